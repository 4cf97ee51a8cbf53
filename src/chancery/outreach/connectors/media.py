"""Images attached to a post, with the alt text every platform gets (pure: no Django).

A post's images travel with a description for screen-reader users in the language of the version they
accompany; an image without alt text, a file that is not an image, or more or larger images than the
platform accepts is refused before anything is sent (:class:`MediaRefused`, never retried).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chancery.outreach.connectors.errors import Rejected

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ALT_MAX = 1500  # Mastodon's media description limit; Bluesky's lexicon has none, the same bound is used
MAX_IMAGES = 4  # both Mastodon (per status) and app.bsky.embed.images
BLUESKY_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images#image: maxSize
MASTODON_IMAGE_BYTES = 10_485_760  # Mastodon's long-standing default image_size_limit


class MediaRefused(Rejected):
    """An image cannot be sent as it is (no alt text, not an image, too many or too large); not retried."""

    code = "media_refused"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One image to attach: its bytes, its MIME type and its alt text (required)."""

    data: bytes
    mime_type: str
    alt: str


def media_check(media: Sequence[MediaFile], *, platform: str, max_bytes: int) -> None:
    """Raise MediaRefused naming the first problem with ``media`` for ``platform``; return when all is well."""
    if len(media) > MAX_IMAGES:
        raise MediaRefused(f"{platform}: at most {MAX_IMAGES} images per post")
    for number, item in enumerate(media, start=1):
        if not item.alt.strip():
            raise MediaRefused(f"{platform}: image {number} has no alt text; describe it for screen-reader users")
        if len(item.alt) > ALT_MAX:
            raise MediaRefused(f"{platform}: image {number}'s alt text is longer than {ALT_MAX} characters")
        if item.mime_type not in IMAGE_TYPES:
            raise MediaRefused(f"{platform}: attachment {number} is not a PNG, JPEG, GIF or WebP image")
        if not item.data or len(item.data) > max_bytes:
            raise MediaRefused(f"{platform}: image {number} is empty or larger than {max_bytes} bytes")
