"""Checking an upload before it is stored: its name, its size, and its type as detected from its bytes.

The type is never taken from the name or from what the client declared: the bytes decide (PDF magic,
a DOCX zip with ``word/document.xml``, or UTF-8 text), then the name's extension and the declared MIME
type must agree with it. DOCX archives are checked for zip bombs (total and per-entry expansion) and PDFs
for encryption and for being parseable at all. Every refusal is an :class:`InvalidInput` naming the file.
"""

from __future__ import annotations

import codecs
import unicodedata
import zipfile
from pathlib import PurePosixPath
from typing import IO

from django.utils.translation import gettext as _

from chancery.platform.errors import InvalidInput
from chancery.vault.enums import EXTENSIONS, IMAGE_TYPES, FileType
from chancery.vault.images import ImageRefused, image_type, image_verify

HEAD_BYTES = 8192
SCAN_BYTES = 1024 * 1024
MAX_FILENAME = 200
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_UNCOMPRESSED = 256 * 1024 * 1024
DOCX_MAX_RATIO = 200
GENERIC_DECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
DECLARED_ALIASES: dict[str, frozenset[str]] = {
    FileType.PDF: frozenset({"application/pdf", "application/x-pdf"}),
    FileType.DOCX: frozenset({FileType.DOCX.value}),
    FileType.TEXT: frozenset({"text/plain"}),
    FileType.MARKDOWN: frozenset({"text/markdown", "text/x-markdown", "text/plain"}),
    FileType.HTML: frozenset({"text/html"}),
    FileType.PNG: frozenset({"image/png"}),
    FileType.JPEG: frozenset({"image/jpeg", "image/pjpeg"}),
    FileType.GIF: frozenset({"image/gif"}),
    FileType.WEBP: frozenset({"image/webp"}),
}


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors={field: [message]})


def clean_filename(raw: str) -> str:
    """Return the upload's file name if it is a plain name; refuse paths, traversal and control characters."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise _refuse("file", _("The file has no name."))
    if "/" in name or "\\" in name or name in {".", ".."} or name.startswith(".."):
        raise _refuse("file", _("The file name must not contain a path (“/”, “\\” or “..”)."))
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise _refuse("file", _("The file name contains control characters."))
    if len(name) > MAX_FILENAME:
        raise _refuse("file", _("The file name is longer than %(max)d characters.") % {"max": MAX_FILENAME})
    return name


def _detect(file: IO[bytes], head: bytes, extension: str) -> FileType:
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    if head.startswith(b"PK\x03\x04"):
        return FileType.DOCX  # confirmed (or refused) by _check_docx
    if announced := image_type(head):
        return FileType(announced)  # decoded (or refused) by _check_image
    if not _is_utf8_text(file):
        raise _refuse(
            "file",
            _("This type of file is not supported: upload PDF, DOCX, plain text, Markdown, HTML or an image."),
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if extension in EXTENSIONS[FileType.HTML] or lowered.startswith((b"<!doctype html", b"<html")):
        return FileType.HTML
    if extension in EXTENSIONS[FileType.MARKDOWN]:
        return FileType.MARKDOWN
    return FileType.TEXT


def _is_utf8_text(file: IO[bytes]) -> bool:
    """True when the whole file is UTF-8 without NUL bytes (read in bounded pieces)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    try:
        while piece := file.read(SCAN_BYTES):
            if b"\x00" in piece:
                return False
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def _check_docx(file: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise _refuse("file", _("This zip archive is not a Word (DOCX) document."))
            if len(entries) > DOCX_MAX_ENTRIES:
                raise _refuse("file", _("The DOCX archive has too many entries."))
            total = sum(entry.file_size for entry in entries)
            expands = any(entry.file_size > DOCX_MAX_RATIO * max(entry.compress_size, 1) for entry in entries)
            if total > DOCX_MAX_UNCOMPRESSED or expands:
                raise _refuse("file", _("The DOCX archive expands too much when unpacked (a zip bomb?)."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise _refuse("file", _("The DOCX file is damaged and cannot be read.")) from exc
    finally:
        file.seek(0)


def _check_pdf(file: IO[bytes]) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise _refuse("file", _("The PDF is encrypted or password-protected; upload it without a password."))
        if len(reader.pages) < 1:
            raise _refuse("file", _("The PDF has no pages."))
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise _refuse("file", _("The PDF is damaged and cannot be read.")) from exc
    finally:
        file.seek(0)


def _check_image(file: IO[bytes], detected: FileType) -> None:
    try:
        image_verify(file, mime_type=detected.value)
    except ImageRefused as exc:
        raise _refuse("file", _("The image is damaged, too large or not what its first bytes say.")) from exc


def file_check(*, file: IO[bytes], filename: str, declared_type: str, size: int, max_size: int) -> tuple[str, FileType]:
    """Return ``(clean file name, detected type)`` for a seekable upload, or raise InvalidInput.

    Needs the file positioned anywhere (it is rewound), its size as reported by the upload, and the
    configured maximum. Reads the file in bounded pieces; leaves it rewound. Emits nothing.
    """
    name = clean_filename(filename)
    if size <= 0:
        raise _refuse("file", _("The file is empty."))
    if size > max_size:
        raise _refuse("file", _("The file is larger than the limit of %(max)s bytes.") % {"max": f"{max_size:,}"})
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        raise _refuse("file", _("The file is empty."))
    extension = PurePosixPath(name).suffix.lower()
    detected = _detect(file, head, extension)
    if detected == FileType.DOCX:
        _check_docx(file)
    elif detected == FileType.PDF:
        _check_pdf(file)
    elif detected in IMAGE_TYPES:
        _check_image(file, detected)
    if extension not in EXTENSIONS[detected]:
        raise _refuse(
            "file",
            _("The content of the file is %(type)s but its name ends in “%(ext)s”.")
            % {"type": detected.label, "ext": extension or _("(no extension)")},
        )
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    if declared not in GENERIC_DECLARED and declared not in DECLARED_ALIASES[detected]:
        raise _refuse(
            "file",
            _("The file was sent as “%(declared)s” but its content is %(type)s.")
            % {"declared": declared, "type": detected.label},
        )
    return name, detected
