"""Safe parsing of a reported e-mail (.eml) with the standard library, and extraction of its indicators.

Nothing in the message is executed or rendered: bodies are only scanned as text for URLs, attachments
are only hashed (SHA-256). Limits keep a hostile message from exhausting the server: total size, MIME
nesting depth (forwarded ``message/rfc822`` parts count), number of parts, and number of indicators.
Header values lose control characters (no CR/LF reaches anything that prints them) and are truncated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from urllib.parse import urlsplit

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 6
MAX_PARTS = 100
MAX_URLS = 100
MAX_HEADER = 300
MAX_SCANNED_TEXT = 1024 * 1024

URL_PATTERN = re.compile(r"""(?i)\b(?:https?|hxxps?)://[^\s<>"'`{}|\\^\[\]]{1,2000}""")
HOST_PATTERN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The standard library's header parser has known crashes on hostile input (an AttributeError on some
# malformed addresses, found by the property tests); any of these means "not readable".
PARSER_ERRORS = (ValueError, TypeError, IndexError, LookupError, AttributeError, AssertionError, RecursionError)


class MailRejected(ValueError):
    """The upload is not an e-mail Chancery will parse (message safe to show)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment: its (sanitised) name, declared type, size and SHA-256; its content is never kept."""

    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(slots=True)
class ParsedMail:
    """What a reported message tells about its sender and its lures."""

    subject: str = ""
    sender: str = ""
    reply_to: str = ""
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    parts: int = 0
    drill_token: str = ""


def clean_header(value: object) -> str:
    """Return ``value`` as one line: control characters (CR, LF, NUL…) replaced, at most 300 characters."""
    return CONTROL.sub(" ", str(value)).strip()[:MAX_HEADER]


def host_of(url: str) -> str:
    """Return the lower-case host of ``url`` when it is a plausible DNS name, else ""."""
    try:
        host = urlsplit(url.replace("hxxp", "http", 1)).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    return host if HOST_PATTERN.match(host) else ""


def _address(message: Message, name: str) -> str:
    try:
        raw = message.get_all(name) or []
        pairs = getaddresses([str(value) for value in raw])
    except PARSER_ERRORS:
        return ""
    for _display, raw_address in pairs:
        address = clean_header(raw_address).lower()
        if EMAIL_PATTERN.match(address):
            return address
    return ""


def _header(message: Message, name: str) -> str:
    try:
        return clean_header(message.get(name, ""))
    except PARSER_ERRORS:
        return ""


def _add_unique(items: list[str], value: str, limit: int) -> None:
    if value and value not in items and len(items) < limit:
        items.append(value)


def _scan_text(part: Message, parsed: ParsedMail) -> None:
    try:
        payload = part.get_payload(decode=True)
    except PARSER_ERRORS:
        return
    if not isinstance(payload, bytes):
        return
    text = payload[:MAX_SCANNED_TEXT].decode("utf-8", "replace")
    for match in URL_PATTERN.finditer(text):
        url = clean_header(match.group(0).rstrip(".,;:!?)"))
        _add_unique(parsed.urls, url, MAX_URLS)
        _add_unique(parsed.domains, host_of(url), MAX_URLS)


def _hash_attachment(part: Message, parsed: ParsedMail) -> None:
    try:
        payload = part.get_payload(decode=True)
        filename = part.get_filename() or ""
    except PARSER_ERRORS:
        return
    data = payload if isinstance(payload, bytes) else b""
    parsed.attachments.append(
        Attachment(
            filename=clean_header(filename)[:200],
            content_type=clean_header(part.get_content_type()),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    )


def _walk(part: Message, parsed: ParsedMail, depth: int) -> None:
    parsed.parts += 1
    if parsed.parts > MAX_PARTS:
        raise MailRejected("the message has too many parts")
    if depth > MAX_DEPTH:
        raise MailRejected("the message is nested too deeply")
    if part.is_multipart() or part.get_content_type() == "message/rfc822":
        children = part.get_payload()
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                _walk(child, parsed, depth + 1)
        return
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        _hash_attachment(part, parsed)
    elif part.get_content_maintype() == "text":
        _scan_text(part, parsed)
    else:
        _hash_attachment(part, parsed)


def mail_parse(data: bytes) -> ParsedMail:
    """Parse the raw message ``data`` and return its indicators; raise :class:`MailRejected` for hostile input.

    Refuses empty or oversized input (over 5 MiB), more than 100 MIME parts and nesting deeper than 6.
    """
    if not data.strip():
        raise MailRejected("the file is empty")
    if len(data) > MAX_BYTES:
        raise MailRejected("the message is larger than 5 MiB")
    try:
        message: EmailMessage = BytesParser(policy=policy.default).parsebytes(data)
    except PARSER_ERRORS:
        raise MailRejected("the file is not an e-mail message") from None
    if not message.keys():
        raise MailRejected("the file is not an e-mail message")
    parsed = ParsedMail(
        subject=_header(message, "Subject"),
        sender=_address(message, "From"),
        reply_to=_address(message, "Reply-To"),
        drill_token=_header(message, "X-Chancery-Drill"),
    )
    try:
        _walk(message, parsed, depth=0)
    except MailRejected:
        raise
    except RecursionError:
        raise MailRejected("the message is nested too deeply") from None
    except PARSER_ERRORS:
        raise MailRejected("the message could not be read") from None
    for address in (parsed.sender, parsed.reply_to):
        _add_unique(parsed.domains, host_of("http://" + address.rsplit("@", 1)[-1]) if address else "", MAX_URLS)
    return parsed
