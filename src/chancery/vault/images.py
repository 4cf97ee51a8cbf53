"""Images in the vault: PNG, JPEG, GIF and WebP, recognised by their magic bytes and decoded to be accepted.

An upload whose first bytes say it is an image is decoded completely with Pillow before it is stored: a
truncated or corrupt file, a format that disagrees with its magic bytes, or an image larger than
``MAX_PIXELS`` (a decompression bomb) is refused. The vault stores the file as uploaded (metadata
included); anything that publishes an image outside the ministry strips its metadata first
(:mod:`chancery.outreach.media`).
"""

from __future__ import annotations

import io
import warnings
from typing import IO

MAX_PIXELS = 50_000_000  # 50 megapixels: far beyond any photograph published, far below a bomb

PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"

PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}


class ImageRefused(ValueError):
    """The bytes are not a complete, decodable image of the type their magic bytes announce."""


def image_type(head: bytes) -> str:
    """Return the MIME type announced by an image's magic bytes, or "" when ``head`` is not one of ours."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return ""


def image_verify(file: IO[bytes], *, mime_type: str) -> tuple[int, int]:
    """Decode the whole image (Pillow) and return its ``(width, height)``; raise ImageRefused otherwise.

    Needs a seekable file (left rewound) and the type its magic bytes announced. Refuses a format other
    than announced, more than ``MAX_PIXELS`` pixels, and any decoding error. Emits nothing.
    """
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != PILLOW_FORMATS.get(mime_type):
                    msg = "the image's format does not match its first bytes"
                    raise ImageRefused(msg)
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    msg = "the image is too large"
                    raise ImageRefused(msg)
                image.load()
    except ImageRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        MemoryError,
    ) as error:
        msg = "the image is damaged and cannot be read"
        raise ImageRefused(msg) from error
    finally:
        file.seek(0)
    return width, height


def image_bytes_verify(data: bytes, *, mime_type: str) -> tuple[int, int]:
    """Like :func:`image_verify` for bytes in memory."""
    return image_verify(io.BytesIO(data), mime_type=mime_type)
