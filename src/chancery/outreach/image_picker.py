"""The draft page's image picker: the unit's Unclassified vault images, and their thumbnails.

Reads go only through the vault's public selectors and services, never its models:

* :func:`vault_image_list` narrows :func:`chancery.vault.selectors.document_list` (what the actor may see)
  to documents of the actor's unit, marked Unclassified, whose newest version is a PNG, JPEG, GIF or WebP
  image: at most :data:`MAX_IMAGES_SHOWN`, most recently changed first, in three queries whatever their
  number.
* :func:`vault_image_thumbnail` downloads the image with
  :func:`chancery.vault.services.document_download` as the actor (the vault's access checks; the vault
  audits the read) and returns a small JPEG decoded and re-encoded without metadata
  (:func:`chancery.outreach.media.thumbnail`), so no GPS position leaves through a thumbnail either.
"""

from __future__ import annotations

from dataclasses import dataclass

from chancery.outreach.media import ImageUnusable, thumbnail
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import DomainError, NotFound
from chancery.vault.enums import IMAGE_TYPES

MAX_IMAGES_SHOWN = 24
THUMBNAIL_SIDE = 240
THUMBNAIL_BYTES = 120_000


@dataclass(frozen=True, slots=True)
class VaultImage:
    """An image the picker offers: the vault document's number and its title in the active language."""

    document_id: int
    title: str


def vault_image_list(*, actor: Actor) -> list[VaultImage]:
    """Return the Unclassified images of the actor's unit that the actor may see in the vault.

    Needs a signed-in actor of a unit (an empty list otherwise). Newest change first, at most
    :data:`MAX_IMAGES_SHOWN`; a document whose newest version is not an image is left out. Emits nothing.
    """
    from chancery.vault.selectors import document_list

    if actor.organisation_id is None or actor.user_id is None:
        return []
    documents = (
        document_list(actor=actor)
        .filter(
            classification=Classification.UNCLASSIFIED,
            owning_unit_id=actor.organisation_id,
            versions__mime_type__in=sorted(IMAGE_TYPES),
        )
        .distinct()
        .prefetch_related("versions")[: MAX_IMAGES_SHOWN * 2]
    )
    found = []
    for document in documents:
        newest = max(document.versions.all(), key=lambda version: version.number, default=None)
        if newest is not None and newest.mime_type in IMAGE_TYPES:
            found.append(VaultImage(document_id=document.pk, title=document.title))
    return found[:MAX_IMAGES_SHOWN]


def vault_image_thumbnail(*, actor: Actor, document_id: int) -> bytes:
    """Return a JPEG thumbnail (at most 240 pixels a side, no metadata) of an Unclassified vault image.

    Needs ``vault.download`` on the document (checked and audited by the vault as
    ``vault.document_downloaded``). Raises NotFound when the actor may not download it, or when it is not
    an Unclassified image that can be decoded. Emits nothing itself.
    """
    from chancery.vault.services import document_download, iter_all

    try:
        download = document_download(actor=actor, document_id=document_id)
    except DomainError as error:
        raise NotFound from error
    if download.document.classification != Classification.UNCLASSIFIED or download.mime_type not in IMAGE_TYPES:
        raise NotFound
    try:
        return thumbnail(iter_all(download.chunks), max_side=THUMBNAIL_SIDE, max_bytes=THUMBNAIL_BYTES).data
    except ImageUnusable as error:
        raise NotFound from error
