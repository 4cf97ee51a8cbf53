"""The draft page's preview of what a post carries: thread parts per account, images per platform, the card.

Reads only (images are downloaded from the vault as the author, which the vault audits, and a link's card
is fetched through the safe fetcher): nothing is stored. Problems are returned to show, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chancery.outreach.cards import Card
from chancery.outreach.connectors.media import MAX_IMAGES
from chancery.outreach.content import DEFAULT_IMAGE_BYTES, IMAGE_BYTES, THREAD_PLATFORMS, ReadyImage, content_prepare
from chancery.outreach.enums import Language
from chancery.outreach.limits import LimitCheck, limit_check
from chancery.outreach.platforms import Platform
from chancery.outreach.selectors import account_list
from chancery.outreach.services import PostIn
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, PermissionDenied


@dataclass(frozen=True, slots=True)
class PartRow:
    """One thread part in one language on one target account."""

    position: int
    language: str
    handle: str
    platform: str
    threads: bool
    check: LimitCheck


@dataclass(frozen=True, slots=True)
class ImageRow:
    """One image on one target account's platform: its size against the platform's limit."""

    position: int
    platform: str
    handle: str
    size: int
    limit: int
    alt: str
    ok: bool


@dataclass(slots=True)
class ContentPreview:
    """What the draft page shows below the text previews."""

    parts: list[PartRow] = field(default_factory=list)
    images: list[ImageRow] = field(default_factory=list)
    card: Card | None = None
    card_on: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    max_images: int = MAX_IMAGES

    @property
    def empty(self) -> bool:
        """True when the post has no parts, images, card or problems to show."""
        return not (self.parts or self.images or self.card or self.problems)


def _image_rows(images: list[ReadyImage], accounts: list[object]) -> list[ImageRow]:
    rows = []
    for position, image in enumerate(images, start=1):
        for account in accounts:
            platform = str(getattr(account, "platform", ""))
            language = str(getattr(account, "language", "en"))
            limit = IMAGE_BYTES.get(Platform(platform), DEFAULT_IMAGE_BYTES)
            rows.append(
                ImageRow(
                    position=position,
                    platform=platform,
                    handle=str(getattr(account, "handle", "")),
                    size=len(image.data),
                    limit=limit,
                    alt=image.alt_vi if language == Language.VI else image.alt_en,
                    ok=len(image.data) <= limit,
                )
            )
    return rows


def post_content_preview(*, actor: Actor, content: PostIn) -> ContentPreview:
    """Return the preview of a draft's thread parts, images and link card for its chosen accounts.

    Needs ``outreach.draft``. Problems (missing alt text, too many or too large images, a part over a
    limit, an unreadable link) are listed, never raised. Emits nothing itself.
    """
    if not access.can(actor, "outreach.draft"):
        raise PermissionDenied
    accounts = list(account_list(actor=actor).filter(pk__in=content.account_ids))
    preview = ContentPreview()
    for position, part in enumerate(content.parts, start=2):
        for account in accounts:
            text = part.text_vi if account.language == Language.VI else part.text_en
            preview.parts.append(
                PartRow(
                    position=position,
                    language=account.language,
                    handle=account.handle,
                    platform=account.platform,
                    threads=account.platform in THREAD_PLATFORMS,
                    check=limit_check(account.platform, text, max_characters=account.max_characters),
                )
            )
    try:
        prepared = content_prepare(
            actor=actor, parts=content.parts, media=content.media, link_url=content.link_url, accounts=accounts
        )
    except InvalidInput as error:
        preview.problems = [message for found in error.errors.values() for message in found] or [error.detail]
        return preview
    preview.images = _image_rows(prepared.images, list(accounts))
    preview.card = prepared.card
    if prepared.card is not None:
        preview.card_on = sorted({a.handle for a in accounts if a.platform == Platform.BLUESKY and not prepared.images})
    return preview
