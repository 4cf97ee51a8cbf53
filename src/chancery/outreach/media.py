"""Images leaving the ministry: decoded, turned upright and re-encoded without any metadata.

A photograph from the vault may carry EXIF (camera serial number, the GPS position where it was taken),
XMP, IPTC or comments. Before an image can be attached to a post it is decoded with Pillow (which also
refuses damaged files and decompression bombs), rotated as its EXIF orientation says, and written again
with only its pixels (and, for JPEG, its colour profile; for GIF, its frames and timing). Pure: no Django.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from chancery.vault.images import MAX_PIXELS, PILLOW_FORMATS, image_type

KEEP_INFO = frozenset({"transparency", "duration", "loop", "background"})


class ImageUnusable(ValueError):
    """The bytes are not an image that can be published (damaged, too large, or not PNG/JPEG/GIF/WebP)."""


@dataclass(frozen=True, slots=True)
class CleanImage:
    """An image re-encoded without metadata: bytes, MIME type, size in pixels and SHA-256."""

    data: bytes
    mime_type: str
    width: int
    height: int
    sha256: str


def _save(image: object, out: io.BytesIO, mime_type: str, frames: list[object], durations: list[int]) -> None:
    from PIL import Image

    assert isinstance(image, Image.Image)
    if mime_type == "image/jpeg":
        image.save(out, "JPEG", quality=92, icc_profile=image.info.get("icc_profile"), exif=b"")
    elif mime_type == "image/png":
        image.save(out, "PNG", optimize=False)
    elif mime_type == "image/webp":
        image.save(out, "WEBP", quality=90, exif=b"", xmp=b"")
    elif len(frames) > 1:
        image.save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    else:
        image.save(out, "GIF")


def image_clean(data: bytes, *, max_pixels: int = MAX_PIXELS) -> CleanImage:
    """Return ``data`` decoded and re-encoded in its own format without metadata; raise ImageUnusable otherwise.

    Needs the image's bytes. JPEG and WebP are re-encoded (quality 92/90) after applying the EXIF
    orientation; PNG and GIF keep their pixels exactly (GIF animations keep their frames and timing).
    Emits nothing.
    """
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    mime_type = image_type(data[:16])
    if not mime_type:
        msg = "not a PNG, JPEG, GIF or WebP image"
        raise ImageUnusable(msg)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format != PILLOW_FORMATS[mime_type]:
                    msg = "the image's format does not match its first bytes"
                    raise ImageUnusable(msg)
                width, height = source.size
                if width * height > max_pixels:
                    msg = "the image has too many pixels"
                    raise ImageUnusable(msg)
                frames: list[object] = []
                durations: list[int] = []
                if mime_type == "image/gif":
                    for frame in ImageSequence.Iterator(source):
                        copy = frame.copy()
                        copy.info = {key: value for key, value in frame.info.items() if key in KEEP_INFO}
                        durations.append(int(frame.info.get("duration", 100)))
                        frames.append(copy)
                    first = frames[0]
                    assert isinstance(first, Image.Image)
                elif mime_type == "image/png":
                    first = source.copy()
                    first.info = {key: value for key, value in source.info.items() if key in KEEP_INFO}
                else:  # JPEG and WebP: turned upright, since the orientation tag goes with the EXIF
                    icc = source.info.get("icc_profile")
                    first = ImageOps.exif_transpose(source)
                    first.info = {"icc_profile": icc} if icc and mime_type == "image/jpeg" else {}
                out = io.BytesIO()
                _save(first, out, mime_type, frames, durations)
    except ImageUnusable:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        msg = "the image cannot be read or is too large"
        raise ImageUnusable(msg) from error
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as error:
        msg = "the image is damaged"
        raise ImageUnusable(msg) from error
    cleaned = out.getvalue()
    return CleanImage(
        data=cleaned,
        mime_type=mime_type,
        width=first.size[0],
        height=first.size[1],
        sha256=hashlib.sha256(cleaned).hexdigest(),
    )


def thumbnail(data: bytes, *, max_side: int = 1200, max_bytes: int = 950_000) -> CleanImage:
    """Return a link card's thumbnail: cleaned, at most ``max_side`` pixels wide or high, a JPEG under ``max_bytes``.

    Raises ImageUnusable. Emits nothing.
    """
    from PIL import Image

    clean = image_clean(data)
    with Image.open(io.BytesIO(clean.data)) as image:
        picture = image.convert("RGB")
    picture.thumbnail((max_side, max_side))
    for quality in (85, 70, 55, 40):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        if out.tell() <= max_bytes:
            encoded = out.getvalue()
            return CleanImage(
                data=encoded,
                mime_type="image/jpeg",
                width=picture.size[0],
                height=picture.size[1],
                sha256=hashlib.sha256(encoded).hexdigest(),
            )
    msg = "the thumbnail cannot be made small enough"
    raise ImageUnusable(msg)
