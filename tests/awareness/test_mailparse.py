"""The safe e-mail parser with ordinary, hostile and random input."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.awareness.mailparse import MAX_BYTES, MAX_DEPTH, MailRejected, clean_header, host_of, mail_parse
from tests.awareness.mails import EXE, PHISH, nested


def test_indicators_are_extracted() -> None:
    parsed = mail_parse(PHISH)
    assert parsed.subject == "Mật khẩu sắp hết hạn"
    assert parsed.sender == "helpdesk@mofa-login.example"
    assert parsed.reply_to == "collect@evil.example"
    assert parsed.urls == ["https://mofa-login.example/reset?u=42"]
    assert parsed.domains == ["mofa-login.example", "evil.example"]
    [attachment] = parsed.attachments
    assert attachment.filename == "invoice.exe"
    assert attachment.sha256 == hashlib.sha256(EXE).hexdigest()


def test_header_injection_is_flattened() -> None:
    raw = b"From: a@b.example\r\nSubject: =?utf-8?q?hello=0D=0ABcc:_victim@x.example?=\r\n\r\nbody\r\n"
    parsed = mail_parse(raw)
    assert "\r" not in parsed.subject
    assert "\n" not in parsed.subject
    assert parsed.subject.startswith("hello")
    assert clean_header("a\x00b\nc") == "a b c"
    assert len(clean_header("x" * 5000)) == 300


def test_depth_size_and_emptiness_limits() -> None:
    assert mail_parse(nested(MAX_DEPTH - 1)).urls == ["http://deep.example/"]
    with pytest.raises(MailRejected, match="nested"):
        mail_parse(nested(MAX_DEPTH + 2))
    with pytest.raises(MailRejected, match="5 MiB"):
        mail_parse(b"Subject: x\r\n\r\n" + b"a" * MAX_BYTES)
    with pytest.raises(MailRejected, match="empty"):
        mail_parse(b"  \r\n")


def test_many_parts_are_refused() -> None:
    parts = b"".join(b"--z\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(150))
    raw = (
        b'From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="z"\r\n\r\n'
        + parts
        + b"--z--\r\n"
    )
    with pytest.raises(MailRejected, match="too many parts"):
        mail_parse(raw)


def test_hosts_are_validated() -> None:
    assert host_of("https://Evil.Example./x") == "evil.example"
    assert host_of("hxxps://defanged.example/x") == "defanged.example"
    assert host_of("http://[::1]/") == ""
    assert host_of("http://a b/") == ""
    assert host_of("http://localhost/") == ""


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        parsed = mail_parse(data)
    except MailRejected:
        return
    assert all("\n" not in value for value in [parsed.subject, parsed.sender, parsed.reply_to, *parsed.urls])


header_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=200, deadline=None)
@given(subject=header_text, sender=header_text, body=st.text(max_size=2000), boundary=st.text(min_size=1, max_size=20))
def test_hostile_headers_and_bodies_never_crash(subject: str, sender: str, body: str, boundary: str) -> None:
    raw = (
        f"From: {sender}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n--{boundary}\r\n'
        f"Content-Type: text/html\r\n\r\n{body}\r\n--{boundary}--\r\n"
    ).encode("utf-8", "surrogatepass")
    try:
        parsed = mail_parse(raw)
    except MailRejected:
        return
    for value in (parsed.subject, parsed.sender, parsed.reply_to, *parsed.urls, *parsed.domains):
        assert not {"\r", "\n", "\x00"} & set(value)
        assert len(value) <= 300
