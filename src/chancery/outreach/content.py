"""A post's images, thread parts and link card: checking them, storing them, and what approvals bind to.

* :func:`content_prepare` checks what the author asks for against every target account (count and size
  of images per platform, alt text in both languages, each thread part within each platform's limit in
  each language, threads only where the platform has replies) and does the slow work before any
  transaction: images are downloaded from the vault as the author (``vault.download``; only UNCLASSIFIED
  documents may be published) and cleaned of metadata; a new link's card is fetched through the safe
  fetcher. Unchanged images and links are kept as they were, so saving a post again changes nothing.
* :func:`content_store` writes it inside the caller's transaction.
* :func:`version_sha256` is what an approval of one language version is bound to: the text alone for a
  plain post (so older approvals keep counting), otherwise the text, the thread parts, the images (their
  SHA-256 and alt text in that language) and the link card. Changing any of them expires the approvals.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chancery.outreach.cards import Card, CardUnavailable, card_fetch
from chancery.outreach.connectors.facebook import FACEBOOK_IMAGE_BYTES
from chancery.outreach.connectors.media import ALT_MAX, BLUESKY_IMAGE_BYTES, MASTODON_IMAGE_BYTES, MAX_IMAGES
from chancery.outreach.connectors.x import X_IMAGE_BYTES
from chancery.outreach.content_models import PostLinkCard, PostMedia, PostPart
from chancery.outreach.enums import Language
from chancery.outreach.limits import limit_check
from chancery.outreach.media import ImageUnusable, image_clean
from chancery.outreach.models import Account, Post
from chancery.outreach.platforms import Platform
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import DomainError, InvalidInput

MAX_PARTS = 25
THREAD_PLATFORMS = frozenset({Platform.MASTODON, Platform.BLUESKY, Platform.X})
IMAGE_BYTES = {
    Platform.BLUESKY: BLUESKY_IMAGE_BYTES,
    Platform.MASTODON: MASTODON_IMAGE_BYTES,
    Platform.X: X_IMAGE_BYTES,
    Platform.FACEBOOK: FACEBOOK_IMAGE_BYTES,
}
DEFAULT_IMAGE_BYTES = MASTODON_IMAGE_BYTES


@dataclass(frozen=True, slots=True)
class PartIn:
    """A further part of a thread, in both languages."""

    text_vi: str
    text_en: str


@dataclass(frozen=True, slots=True)
class MediaIn:
    """An image to attach: a vault document and its alt text in both languages (both required)."""

    document_id: int
    alt_vi: str
    alt_en: str


@dataclass(frozen=True, slots=True)
class ReadyImage:
    """An image checked and cleaned, ready to store (or the id of the stored row it repeats)."""

    document_id: int
    version_number: int
    filename: str
    mime_type: str
    data: bytes
    width: int
    height: int
    sha256: str
    alt_vi: str
    alt_en: str


@dataclass(slots=True)
class Prepared:
    """What :func:`content_store` writes: parts, images and the card (``keep_card`` when the link is unchanged)."""

    parts: list[PartIn] = field(default_factory=list)
    images: list[ReadyImage] = field(default_factory=list)
    link_url: str = ""
    card: Card | None = None
    keep_card: bool = False


def _limit_errors(parts: list[PartIn], accounts: list[Account], errors: dict[str, list[str]]) -> None:
    if parts and any(account.platform not in THREAD_PLATFORMS for account in accounts):
        errors.setdefault("parts", []).append(_("Threads are published on Mastodon, Bluesky and X only."))
    for number, part in enumerate(parts, start=2):
        for language in Language.values:
            text = part.text_vi if language == Language.VI else part.text_en
            if not text.strip():
                errors.setdefault("parts", []).append(_("Part %(n)d needs both language versions.") % {"n": number})
                break
            for account in accounts:
                if account.language != language:
                    continue
                check = limit_check(account.platform, text, max_characters=account.max_characters)
                if not check.ok:
                    errors.setdefault("parts", []).append(
                        _("Part %(n)d (%(language)s) is too long for %(platform)s %(handle)s: %(length)d/%(limit)d.")
                        % {
                            "n": number,
                            "language": language,
                            "platform": account.platform,
                            "handle": account.handle,
                            "length": check.length,
                            "limit": check.limit,
                        }
                    )


def _alt_error(item: MediaIn, number: int) -> str:
    for alt in (item.alt_vi.strip(), item.alt_en.strip()):
        if not alt:
            return _("Image %(n)d needs alt text in Vietnamese and in English, for screen-reader users.") % {
                "n": number
            }
        if len(alt) > ALT_MAX:
            return _("Image %(n)d's alt text is longer than %(max)d characters.") % {"n": number, "max": ALT_MAX}
    return ""


def _image(actor: Actor, item: MediaIn, number: int, errors: dict[str, list[str]]) -> ReadyImage | None:
    from chancery.vault.services import document_download, iter_all

    if problem := _alt_error(item, number):
        errors.setdefault("media", []).append(problem)
        return None
    try:
        download = document_download(actor=actor, document_id=item.document_id)
    except DomainError:
        errors.setdefault("media", []).append(
            _("Image %(n)d: no vault document you may download has this number.") % {"n": number}
        )
        return None
    if download.document.classification != Classification.UNCLASSIFIED:
        errors.setdefault("media", []).append(
            _("Image %(n)d: only documents marked Unclassified can be published.") % {"n": number}
        )
        return None
    if not download.mime_type.startswith("image/"):
        errors.setdefault("media", []).append(
            _("Image %(n)d: the vault document is not an image (PNG, JPEG, GIF or WebP).") % {"n": number}
        )
        return None
    try:
        clean = image_clean(iter_all(download.chunks))
    except ImageUnusable:
        errors.setdefault("media", []).append(_("Image %(n)d is damaged or too large to publish.") % {"n": number})
        return None
    return ReadyImage(
        document_id=item.document_id,
        version_number=download.version.number,
        filename=download.filename,
        mime_type=clean.mime_type,
        data=clean.data,
        width=clean.width,
        height=clean.height,
        sha256=clean.sha256,
        alt_vi=item.alt_vi.strip(),
        alt_en=item.alt_en.strip(),
    )


def _stored_image(row: PostMedia, item: MediaIn) -> ReadyImage:
    return ReadyImage(
        document_id=item.document_id,
        version_number=row.version_number,
        filename=row.filename,
        mime_type=row.mime_type,
        data=bytes(row.data),
        width=row.width,
        height=row.height,
        sha256=row.sha256,
        alt_vi=item.alt_vi.strip(),
        alt_en=item.alt_en.strip(),
    )


def _image_limits(images: list[ReadyImage], accounts: list[Account], errors: dict[str, list[str]]) -> None:
    if len(images) > MAX_IMAGES:
        errors.setdefault("media", []).append(_("At most %(n)d images per post.") % {"n": MAX_IMAGES})
    for number, image in enumerate(images, start=1):
        for account in accounts:
            limit = IMAGE_BYTES.get(Platform(account.platform), DEFAULT_IMAGE_BYTES)
            if image.data and len(image.data) > limit:
                errors.setdefault("media", []).append(
                    _("Image %(n)d is %(size)s bytes; %(platform)s accepts at most %(limit)s.")
                    % {"n": number, "size": f"{len(image.data):,}", "platform": account.platform, "limit": f"{limit:,}"}
                )


def _images(
    actor: Actor, media: list[MediaIn], accounts: list[Account], post: Post | None, errors: dict[str, list[str]]
) -> list[ReadyImage]:
    stored = {row.document_id: row for row in post.media.all()} if post is not None else {}
    images: list[ReadyImage] = []
    for number, item in enumerate(media, start=1):
        row = stored.get(item.document_id)
        if row is not None and (problem := _alt_error(item, number)):
            errors.setdefault("media", []).append(problem)
            continue
        ready = _stored_image(row, item) if row is not None else _image(actor, item, number, errors)
        if ready is not None:
            images.append(ready)
    _image_limits(images, accounts, errors)
    return images


def content_prepare(
    *,
    actor: Actor,
    parts: list[PartIn],
    media: list[MediaIn],
    link_url: str,
    accounts: list[Account],
    post: Post | None = None,
) -> Prepared:
    """Check and ready a post's thread parts, images and link card for ``accounts``; raise InvalidInput.

    Needs the author as ``actor`` (images are downloaded from the vault as them: ``vault.download``,
    audited by the vault) and, when editing, the ``post`` whose unchanged images and card are kept.
    Fetches a new link's card through the safe fetcher (outside any transaction). Emits nothing itself.
    """
    errors: dict[str, list[str]] = {}
    if len(parts) > MAX_PARTS:
        errors["parts"] = [_("A thread has at most %(n)d parts.") % {"n": MAX_PARTS + 1}]
    else:
        _limit_errors(parts, accounts, errors)
    if len(media) > MAX_IMAGES:
        errors["media"] = [_("At most %(n)d images per post.") % {"n": MAX_IMAGES}]
    images = _images(actor, media, accounts, post, errors) if "media" not in errors else []
    url = link_url.strip()
    prepared = Prepared(parts=parts, images=images, link_url=url)
    if url:
        existing = PostLinkCard.objects.filter(post=post).first() if post is not None else None
        if not url.startswith(("https://", "http://")) or len(url) > 2000:
            errors["link_url"] = [_("Enter the link's full address (https://...).")]
        elif existing is not None and existing.url == url:
            prepared.keep_card = True
        elif not errors:
            try:
                prepared.card = card_fetch(url)
            except CardUnavailable as error:
                errors["link_url"] = [_("The link's page cannot be read for its card: %(reason)s") % {"reason": error}]
    if errors:
        raise InvalidInput(_("The post cannot be saved."), errors=errors)
    return prepared


def content_store(*, post: Post, prepared: Prepared) -> bool:
    """Write the prepared parts, images and card of ``post`` (inside the caller's transaction).

    Returns True when anything approvals are bound to changed. Emits nothing (the caller audits).
    """
    before = {language: version_sha256(post, language) for language in Language.values}
    post.parts.all().delete()
    for position, part in enumerate(prepared.parts, start=2):
        PostPart.objects.create(post=post, position=position, text_vi=part.text_vi, text_en=part.text_en)
    post.media.all().delete()
    for position, image in enumerate(prepared.images, start=1):
        PostMedia.objects.create(
            post=post,
            position=position,
            document_id=image.document_id,
            version_number=image.version_number,
            filename=image.filename[:200],
            mime_type=image.mime_type,
            data=image.data,
            size=len(image.data),
            width=image.width,
            height=image.height,
            sha256=image.sha256,
            alt_vi=image.alt_vi,
            alt_en=image.alt_en,
        )
    if not prepared.keep_card:
        PostLinkCard.objects.filter(post=post).delete()
        card = prepared.card
        if card is not None:
            PostLinkCard.objects.create(
                post=post,
                url=card.url,
                title=card.title,
                description=card.description,
                thumb=card.thumb.data if card.thumb else None,
                thumb_mime=card.thumb.mime_type if card.thumb else "",
                thumb_sha256=card.thumb.sha256 if card.thumb else "",
            )
    return before != {language: version_sha256(post, language) for language in Language.values}


def version_sha256(post: Post, language: str) -> str:
    """Return the SHA-256 an approval of ``post``'s ``language`` version is bound to.

    The text's own hash for a post with no parts, images or card (compatible with earlier approvals);
    otherwise the hash of a canonical JSON of the text, the parts, the images (hash and alt text) and
    the card in that language.
    """
    text = post.text(language)
    if post.pk is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    parts = [part.text(language) for part in post.parts.order_by("position")]
    images = [[row.sha256, row.alt(language)] for row in post.media.order_by("position")]
    card = PostLinkCard.objects.filter(post=post).values_list("url", "title", "description", "thumb_sha256").first()
    if not parts and not images and card is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    canonical = json.dumps(
        {"text": text, "parts": parts, "images": images, "card": list(card) if card else None},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def thread_texts(post: Post, language: str) -> list[str]:
    """Return every part of the post's ``language`` version, the post's own text first."""
    return [post.text(language), *(part.text(language) for part in post.parts.order_by("position"))]


@dataclass(frozen=True, slots=True)
class PostContent:
    """What a post carries besides its first texts, for its page (images without their bytes)."""

    parts: list[PostPart]
    media: list[PostMedia]
    card: PostLinkCard | None


def post_content(post: Post) -> PostContent:
    """Return the post's thread parts, images (bytes deferred) and link card (thumbnail deferred).

    The caller has checked that the actor may see the post. Emits nothing.
    """
    return PostContent(
        parts=list(post.parts.order_by("position")),
        media=list(post.media.order_by("position").defer("data")),
        card=PostLinkCard.objects.filter(post=post).defer("thumb").first(),
    )
