"""Visible watermarks on downloads: the reader's name and the time, on PDF and text files.

Text, Markdown and HTML get a first line; each PDF page gets a line of Helvetica text stamped at its foot
(pypdf). A PDF must be assembled in memory to be stamped, so watermarking is refused above
``MAX_PDF_WATERMARK_BYTES``; other types are returned unchanged.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from chancery.vault.enums import FileType

MAX_PDF_WATERMARK_BYTES = 64 * 1024 * 1024


def watermark_text(actor: Actor) -> str:
    """Return the watermark line for ``actor`` now (ASCII, so every PDF font can show it)."""
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    text = f"Chancery - downloaded by {actor.username} at {stamp}".replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return stripped.encode("ascii", errors="replace").decode("ascii")


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _stamp_pdf(data: bytes, line: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
    stamps = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    content = f"q 0.6 0 0 rg BT /ChWm 8 Tf 24 12 Td ({_pdf_escape(line)}) Tj ET Q".encode("latin-1")
    for page in writer.pages:
        stamp = stamps.add_blank_page(width=float(page.mediabox.width), height=float(page.mediabox.height))
        stamp[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/ChWm"): font})}
        )
        stream = ContentStream(None, stamps)
        stream.set_data(content)
        stamp.replace_contents(stream)
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def watermarked(
    chunks: Iterator[bytes], *, mime_type: str, actor: Actor, size: int
) -> tuple[Iterator[bytes], int | None]:
    """Return ``(chunks with a visible watermark, new size or None)`` for PDF and text types."""
    line = watermark_text(actor)
    if mime_type in {FileType.TEXT, FileType.MARKDOWN}:
        header = f"[{line}]\n\n".encode()
        return _prefixed(header, chunks), size + len(header)
    if mime_type == FileType.HTML:
        header = f'<p class="chancery-watermark">{escape(line)}</p>\n'.encode()
        return _prefixed(header, chunks), size + len(header)
    if mime_type == FileType.PDF:
        if size > MAX_PDF_WATERMARK_BYTES:
            raise InvalidInput(_("This PDF is too large to watermark; download it without a watermark."))
        stamped = _stamp_pdf(b"".join(chunks), line)
        return iter([stamped]), len(stamped)
    return chunks, size


def _prefixed(header: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield header
    yield from chunks
