"""The phishing reporting address: staff forward a suspicious message; Chancery fetches it over IMAP.

The worker polls the reporting mailbox (``CHANCERY_AWARENESS_IMAP_*``; job ``awareness.mailbox``, every
five minutes; ``chancery awareness mailbox poll`` on demand) with :mod:`imaplib` over TLS, verifying the
server's certificate (system roots plus ``CHANCERY_CA_BUNDLE``). For each message not yet processed:

1. messages larger than :data:`MAX_FORWARD_BYTES` are refused without being downloaded;
2. the reporter is the envelope sender (``Return-Path``, else ``From``; both must agree when both are
   present) and must match exactly one active user's address; unknown senders are refused and logged
   without any content (only the message digest);
3. the reported original is taken from the forward: the first attached message (``message/rfc822``, or
   an ``.eml`` attachment), else the inline forwarded message after a forwarding marker;
4. the original is filed with :func:`chancery.awareness.services.phishing_report_submit` as the reporter,
   exactly as the in-app action does (so a forwarded drill message counts as the drill's "reported").

Every processed message, filed or refused, is then flagged ``Seen`` and ``Deleted`` and expunged: the report
(or the refusal's audit event) is the record, and hostile attachments do not linger in the mailbox. A
message that fails for a passing reason (the database, the network) is left in place and retried.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.awareness.mailparse import MAX_BYTES, MAX_DEPTH, MAX_PARTS, PARSER_ERRORS, MailRejected, clean_header
from chancery.awareness.services import phishing_report_submit
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError
from chancery.platform.tls import client_ssl_context

logger = logging.getLogger(__name__)

MAX_FORWARD_BYTES = 2 * MAX_BYTES
"""The largest forwarded message fetched (the original inside is still limited to 5 MiB)."""

MAX_PER_POLL = 200
"""Messages processed per poll; the rest wait for the next one."""

FORWARD_MARKERS = re.compile(
    r"(?im)^[ \t>]*(?:-{2,}\s*(?:forwarded message|original message|thư được chuyển tiếp|thư gốc)\s*-{2,}"
    r"|begin forwarded message:)[ \t\r]*$"
)
INLINE_HEADERS = frozenset({"from", "sender", "reply-to", "to", "cc", "date", "sent", "subject"})
HEADER_LINE = re.compile(r"^[ \t>]*([A-Za-z][A-Za-z-]{0,30})[ \t]*:[ \t]*(.*)$")
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}$")
SIZE_PATTERN = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox could not be reached or answered unexpectedly (nothing is processed)."""


# -- Extracting the reported original from a forward -----------------------------------------------------


def _parse(data: bytes) -> Message:
    try:
        message: Message = BytesParser(policy=policy.default).parsebytes(data)
    except PARSER_ERRORS:
        raise MailRejected("the forward is not an e-mail message") from None
    if not message.keys():
        raise MailRejected("the forward is not an e-mail message")
    return message


def _parts(message: Message) -> Iterator[tuple[Message, int]]:
    """Yield every part with its depth, breadth-first, within the parser's depth and part limits."""
    queue: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while queue:
        part, depth = queue.pop(0)
        seen += 1
        if seen > MAX_PARTS:
            raise MailRejected("the message has too many parts")
        if depth > MAX_DEPTH:
            raise MailRejected("the message is nested too deeply")
        yield part, depth
        if part.is_multipart() and part.get_content_type() != "message/rfc822":
            children = part.get_payload()
            queue.extend((child, depth + 1) for child in children if isinstance(child, Message))


def _attached(part: Message) -> bytes:
    """Return the bytes of an attached message (``message/rfc822`` or an ``.eml`` file), else b""."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes(policy=policy.SMTP)
        return b""
    filename = (part.get_filename() or "").lower()
    if filename.endswith(".eml"):
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else b""
    return b""


def _inline(text: str) -> bytes:
    """Rebuild the message forwarded inline after a forwarding marker: its known headers and its body.

    Only the headers of :data:`INLINE_HEADERS` are kept (``Sent`` becomes ``Date``), each on one line
    without control characters, so nothing in the body can inject a header. Returns b"" without a marker.
    """
    found = FORWARD_MARKERS.search(text)
    if found is None:
        return b""
    lines = text[found.end() :].lstrip("\r\n").splitlines()
    headers: list[str] = []
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - the index after the loop is used
        matched = HEADER_LINE.match(line)
        if not line.strip() or matched is None or matched.group(1).lower() not in INLINE_HEADERS:
            break
        name = "Date" if matched.group(1).lower() == "sent" else matched.group(1).title()
        headers.append(f"{name}: {clean_header(matched.group(2))}")
    else:
        index = len(lines)
    if not headers:
        return b""
    body = "\n".join(line.removeprefix("> ").removeprefix(">") for line in lines[index:])
    rebuilt = "\r\n".join(headers) + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
    return rebuilt.encode("utf-8", "replace")[:MAX_BYTES]


def forwarded_original(data: bytes) -> bytes:
    """Return the raw message a forward carries: attached (preferred) or inline after a forwarding marker.

    Raises :class:`MailRejected` when ``data`` is larger than :data:`MAX_FORWARD_BYTES`, is not an
    e-mail, exceeds the parser's nesting or part limits, or carries no forwarded message.
    """
    if len(data) > MAX_FORWARD_BYTES:
        raise MailRejected("the forward is larger than 10 MiB")
    return _original_of(_parse(data))


def _original_of(message: Message) -> bytes:
    texts: list[Message] = []
    try:
        for part, _depth in _parts(message):
            original = _attached(part)
            if original:
                return original
            if part.get_content_type() == "text/plain" and (part.get_content_disposition() or "") != "attachment":
                texts.append(part)
        for part in texts:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                rebuilt = _inline(payload[: 2 * MAX_BYTES].decode("utf-8", "replace"))
                if rebuilt:
                    return rebuilt
    except MailRejected:
        raise
    except PARSER_ERRORS:
        raise MailRejected("the forward could not be read") from None
    raise MailRejected("the forward carries no message")


def envelope_sender(data: bytes) -> str:
    """Return the forward's envelope sender in lower case: ``Return-Path``, else ``From``.

    Returns "" when neither holds one plausible address, or when both are present and disagree (a
    forged ``From`` behind a different envelope). Never raises for hostile input.
    """
    try:
        message = _parse(data[:MAX_FORWARD_BYTES])
    except MailRejected:
        return ""
    return _sender_of(message)


def _sender_of(message: Message) -> str:
    found: dict[str, str] = {}
    for name in ("Return-Path", "From"):
        try:
            pairs = getaddresses([str(value) for value in message.get_all(name) or []])
        except PARSER_ERRORS:
            return ""
        addresses = {clean_header(address).lower() for _display, address in pairs if address}
        if len(addresses) > 1:
            return ""
        if addresses:
            found[name] = addresses.pop()
    values = set(found.values())
    if len(values) != 1:
        return ""
    address = values.pop()
    return address if EMAIL_PATTERN.match(address) else ""


# -- The mailbox -----------------------------------------------------------------------------------------


class Mailbox(Protocol):
    """What the poller needs from the reporting mailbox."""

    def pending(self) -> list[bytes]:
        """Return the UIDs of the messages not yet processed, oldest first."""

    def size(self, uid: bytes) -> int:
        """Return the size in bytes of message ``uid``."""

    def fetch(self, uid: bytes) -> bytes:
        """Return the raw message ``uid`` (without marking it seen)."""

    def done(self, uid: bytes) -> None:
        """Mark message ``uid`` processed (it is removed at :meth:`finish`)."""

    def finish(self) -> None:
        """Remove the processed messages."""


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """Where the reporting mailbox is and how to sign in (the password is read from a file)."""

    host: str
    port: int
    user: str
    password_file: str
    folder: str

    @classmethod
    def from_settings(cls) -> ImapSettings | None:
        """Return the configured mailbox, or None when ``CHANCERY_AWARENESS_IMAP_HOST`` is unset."""
        host = str(getattr(settings, "AWARENESS_IMAP_HOST", "") or "")
        if not host:
            return None
        return cls(
            host=host,
            port=int(getattr(settings, "AWARENESS_IMAP_PORT", 993)),
            user=str(getattr(settings, "AWARENESS_IMAP_USER", "") or ""),
            password_file=str(getattr(settings, "AWARENESS_IMAP_PASSWORD_FILE", "") or ""),
            folder=str(getattr(settings, "AWARENESS_IMAP_FOLDER", "") or "INBOX"),
        )


class ImapMailbox:
    """The reporting mailbox over IMAP4rev1 with implicit TLS (port 993), by UID."""

    def __init__(self, client: imaplib.IMAP4) -> None:
        """Wrap a connected, signed-in client whose folder is selected read-write."""
        self.client = client

    def _ok(self, answer: tuple[str, list[object]]) -> list[object]:
        kind, data = answer
        if kind != "OK":
            raise MailboxError(f"the mailbox answered {kind}")
        return data

    def pending(self) -> list[bytes]:
        """UIDs of the messages not flagged deleted (``UID SEARCH UNDELETED``), oldest first."""
        data = self._ok(self.client.uid("SEARCH", "UNDELETED"))
        first = data[0] if data else b""
        return (first if isinstance(first, bytes) else b"").split()[:MAX_PER_POLL]

    def size(self, uid: bytes) -> int:
        """``UID FETCH uid (RFC822.SIZE)``."""
        for item in self._ok(self.client.uid("FETCH", uid.decode(), "(RFC822.SIZE)")):
            head = item[0] if isinstance(item, tuple) else item
            if isinstance(head, bytes) and (found := SIZE_PATTERN.search(head)):
                return int(found.group(1))
        raise MailboxError("the mailbox did not give the message size")

    def fetch(self, uid: bytes) -> bytes:
        """``UID FETCH uid (BODY.PEEK[])``: the whole message, leaving it unseen."""
        for item in self._ok(self.client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        raise MailboxError("the mailbox did not return the message")

    def done(self, uid: bytes) -> None:
        """``UID STORE uid +FLAGS (Seen Deleted)``, both system flags."""
        self._ok(self.client.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen \\Deleted)"))

    def finish(self) -> None:
        """``EXPUNGE``: remove the messages flagged deleted."""
        self._ok(self.client.expunge())


@contextmanager
def imap_mailbox(config: ImapSettings, *, timeout: float = 30.0) -> Iterator[ImapMailbox]:
    """Connect over TLS (certificate and host name verified), sign in, select the folder; log out at the end.

    Raises :class:`MailboxError` when the server cannot be reached, refuses the login or the folder.
    """
    try:
        password = Path(config.password_file).read_text(encoding="utf-8").strip() if config.password_file else ""
    except OSError:
        raise MailboxError("the mailbox password file cannot be read") from None
    try:
        client = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=client_ssl_context(), timeout=timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"the mailbox cannot be reached ({type(exc).__name__})") from None
    try:
        try:
            client.login(config.user, password)
            kind, _data = client.select(config.folder)
        except imaplib.IMAP4.error:
            raise MailboxError("the mailbox refused the login or the folder") from None
        if kind != "OK":
            raise MailboxError("the mailbox refused the folder")
        yield ImapMailbox(client)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"the mailbox connection failed ({type(exc).__name__})") from None
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            logger.info("reporting mailbox: logout failed", exc_info=True)


# -- Polling ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PollResult:
    """What one poll did: reports filed (their ids) and messages refused (with the reason, no content)."""

    filed: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _reporter(address: str) -> Actor | None:
    if not address:
        return None
    users = list(get_user_model().objects.filter(email__iexact=address, is_active=True)[:2])
    if len(users) != 1:
        return None
    return Actor.from_user(users[0])


def _refuse(actor: Actor, result: PollResult, data: bytes, reason: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    logger.warning("reporting mailbox: message refused (%s), sha256 %s", reason, digest)
    audit_record(
        actor=actor,
        action="awareness.mailbox_refused",
        outcome=Outcome.FAILURE,
        object_type="awareness.mailbox",
        object_id=digest[:16],
        detail={"reason": reason, "sha256": digest, "size": len(data)},
    )
    result.refused.append(reason)


def _process(actor: Actor, mailbox: Mailbox, uid: bytes, result: PollResult) -> None:
    size = mailbox.size(uid)
    if size > MAX_FORWARD_BYTES:
        _refuse(actor, result, b"", "too large")
        return
    data = mailbox.fetch(uid)
    if len(data) > MAX_FORWARD_BYTES:  # the server announced a smaller size
        _refuse(actor, result, b"", "too large")
        return
    try:
        message = _parse(data)
    except MailRejected as exc:
        _refuse(actor, result, data, str(exc))
        return
    reporter = _reporter(_sender_of(message))
    if reporter is None:
        _refuse(actor, result, data, "unknown sender")
        return
    try:
        original = _original_of(message)
    except MailRejected as exc:
        _refuse(actor, result, data, str(exc))
        return
    try:
        report = phishing_report_submit(actor=reporter, data=original)
    except DomainError as exc:
        reason = "; ".join(m for found in exc.errors.values() for m in found) or type(exc).__name__
        _refuse(actor, result, data, reason[:200])
        return
    result.filed.append(report.pk)


def mailbox_poll(*, actor: Actor, mailbox: Mailbox) -> PollResult:
    """File a phishing report for every message forwarded to the reporting mailbox; return what was done.

    Needs ``awareness.mailbox_poll`` (the scheduled job and the command run as the system). Each message is filed
    as its sender (see the module's documentation) through ``phishing_report_submit``, which emits
    ``awareness.phish_reported``; a refused one emits ``awareness.mailbox_refused`` (reason, digest and size,
    never content). Both are then removed from the mailbox; a message whose processing fails otherwise is
    left for the next poll. Raises :class:`MailboxError` when the mailbox fails.
    """
    access.require(actor, "awareness.mailbox_poll")
    result = PollResult()
    for uid in mailbox.pending():
        _process(actor, mailbox, uid, result)
        mailbox.done(uid)
    if result.filed or result.refused:
        mailbox.finish()
    return result


def configured_mailbox_poll(*, actor: Actor) -> PollResult | None:
    """Poll the mailbox of ``CHANCERY_AWARENESS_IMAP_*``; None when none is configured.

    Needs what :func:`mailbox_poll` needs; raises :class:`MailboxError` when the mailbox fails.
    """
    access.require(actor, "awareness.mailbox_poll")
    config = ImapSettings.from_settings()
    if config is None:
        return None
    with imap_mailbox(config) as mailbox:
        return mailbox_poll(actor=actor, mailbox=mailbox)
