"""Bad uploads get a clear error naming the problem, and nothing is stored."""

from __future__ import annotations

import contextlib
import io
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from chancery.identity.models import User
from chancery.platform.errors import InvalidInput
from chancery.vault import sniff
from chancery.vault.blobs import blob_store
from chancery.vault.enums import FileType
from chancery.vault.models import Document
from tests.conftest import actor_of
from tests.vault.helpers import upload

DOCX = FileType.DOCX.value


def pdf_bytes(*, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(text: str = "Hiệp định") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


def check(data: bytes, name: str, declared: str = "", max_size: int = 10**9) -> FileType:
    return sniff.file_check(
        file=io.BytesIO(data), filename=name, declared_type=declared, size=len(data), max_size=max_size
    )[1]


def test_good_files_are_detected_from_their_bytes() -> None:
    assert check(pdf_bytes(), "a.pdf", "application/pdf") == FileType.PDF
    assert check(docx_bytes(), "a.docx", DOCX) == FileType.DOCX
    assert check(b"# Title\n", "a.md", "text/markdown") == FileType.MARKDOWN
    assert check(b"<!DOCTYPE html><p>x</p>", "a.html", "text/html") == FileType.HTML
    assert check("chào".encode(), "a.txt", "application/octet-stream") == FileType.TEXT


@pytest.mark.parametrize(
    ("data", "name", "declared", "message"),
    [
        (b"", "a.txt", "text/plain", "empty"),
        (b"x" * 11, "a.txt", "text/plain", "larger than the limit"),
        (b"%PDF-1.7 not really", "a.pdf", "application/pdf", "damaged"),
        (pdf_bytes(password="secret"), "a.pdf", "application/pdf", "encrypted"),
        (zip_bomb(), "a.docx", DOCX, "zip bomb"),
        (b"PK\x03\x04 broken", "a.docx", DOCX, "damaged"),
        (docx_bytes(), "a.pdf", "application/pdf", "name ends in"),
        (pdf_bytes(), "a.pdf", "text/plain", "was sent as"),
        (b"hello", "../../etc/passwd", "text/plain", "path"),
        (b"hello", "..\\x.txt", "text/plain", "path"),
        (b"hello", "a\x00.txt", "text/plain", "control"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a.png", "image/png", "image is damaged"),
        (b"GIF89a truncated", "a.gif", "image/gif", "image is damaged"),
        (b"MZ\x90\x00\x03\x00", "a.exe", "", "not supported"),
        (b"\xff\xfe\xfa invalid utf-8", "a.txt", "text/plain", "not supported"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data: bytes, name: str, declared: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        check(data, name, declared, max_size=10) if message == "larger than the limit" else check(data, name, declared)
    assert caught.value.errors["file"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.md", "a.html"]))
def test_arbitrary_bytes_never_crash_the_checker(data: bytes, name: str) -> None:
    for prefix in (b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a"):
        with contextlib.suppress(InvalidInput):
            check(prefix + data, name)


@pytest.mark.django_db(transaction=True)
def test_a_refused_upload_stores_nothing(desk_officer: User) -> None:
    with pytest.raises(InvalidInput, match="zip bomb"):
        upload(actor_of(desk_officer), zip_bomb(), name="bomb.docx", content_type=DOCX)
    with pytest.raises(InvalidInput, match="encrypted"):
        upload(actor_of(desk_officer), pdf_bytes(password="x"), name="e.pdf", content_type="application/pdf")
    assert not Document.objects.exists()
    assert list(blob_store().keys(older_than_seconds=0)) == []


@pytest.mark.django_db(transaction=True)
def test_the_size_limit_is_configurable(desk_officer: User, settings: object) -> None:
    settings.VAULT_MAX_UPLOAD_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="larger than the limit"):
        upload(actor_of(desk_officer), b"x" * 101)
    assert upload(actor_of(desk_officer), b"x" * 100).versions.get().size == 100
