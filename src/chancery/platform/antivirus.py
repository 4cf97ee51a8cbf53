r"""Scanning uploads for known malware with ClamAV, through clamd's ``INSTREAM`` protocol (ASVS V5.4.3).

The protocol (clamd(8)): the client sends ``zINSTREAM\0``, then the data as chunks, each prefixed by its
length as a 4-byte big-endian unsigned integer, and a zero-length chunk to end the stream. clamd answers
one NUL-terminated line: ``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR`` (for
instance ``INSTREAM size limit exceeded. ERROR`` when the data exceeds its ``StreamMaxLength``).

``CHANCERY_CLAMD_URL`` names the daemon: ``tcp://host:3310`` or ``unix:///run/clamav/clamd.ctl``. When it
is unset the scanner is off (``chancery check`` says so). When it is set and clamd cannot be reached or
answers an error, uploads are refused (fail closed) unless ``CHANCERY_CLAMD_FAIL_OPEN`` is on.

:func:`upload_scan` is what services call before they store anything: an infected file is refused with a
form message and an audit event (outcome ``denied``, the signature name and the file's digest, never its
content); nothing is stored.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096
DEFAULT_PORT = 3310


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict: unreachable, timed out, or answered an error."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A scanner's answer: clean, or infected with the named signature."""

    infected: bool
    signature: str = ""


class Scanner(Protocol):
    """What the platform needs from a malware scanner."""

    def scan(self, chunks: Iterable[bytes]) -> Verdict:
        """Scan the bytes of one file; raise ScannerUnavailable when no verdict can be had."""
        ...

    def ping(self) -> None:
        """Check the scanner answers; raise ScannerUnavailable otherwise."""
        ...


def reply_parse(raw: bytes) -> Verdict:
    """Parse clamd's answer to ``INSTREAM`` (``stream: OK``, ``stream: <sig> FOUND``, ``<why> ERROR``).

    Accepts a trailing NUL or newline. Raises ScannerUnavailable for an error answer or anything that is
    not one of the documented forms (the caller then fails closed).
    """
    try:
        text = raw.rstrip(b"\0\r\n").decode("utf-8")
    except UnicodeDecodeError:
        msg = "clamd answered something that is not text"
        raise ScannerUnavailable(msg) from None
    if text.endswith(" ERROR") or text == "ERROR":
        msg = "clamd answered an error: " + text[:200]
        raise ScannerUnavailable(msg)
    head, separator, rest = text.partition(": ")
    if not separator or not head:
        msg = "clamd's answer is not understood: " + text[:200]
        raise ScannerUnavailable(msg)
    if rest == "OK":
        return Verdict(infected=False)
    if rest.endswith(" FOUND"):
        signature = rest.removesuffix(" FOUND").strip()
        if signature and signature.isprintable():
            return Verdict(infected=True, signature=signature[:200])
    msg = "clamd's answer is not understood: " + text[:200]
    raise ScannerUnavailable(msg)


class ClamdScanner:
    """A clamd reached over TCP (``tcp://host:port``) or a Unix socket (``unix:///path``)."""

    def __init__(self, url: str, *, timeout: float) -> None:
        """Remember where clamd listens (raise ValueError for a URL that is neither form)."""
        parts = urlsplit(url)
        if parts.scheme == "tcp" and parts.hostname:
            self.family = socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET
            self.address: str | tuple[str, int] = (parts.hostname, parts.port or DEFAULT_PORT)
        elif parts.scheme == "unix" and parts.path:
            self.family = socket.AF_UNIX
            self.address = parts.path
        else:
            msg = "CHANCERY_CLAMD_URL must be tcp://host:port or unix:///path/to/clamd.sock"
            raise ValueError(msg)
        self.timeout = timeout
        self.url = url

    def _connect(self) -> socket.socket:
        try:
            if self.family == socket.AF_UNIX:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.address)
                return sock
            assert isinstance(self.address, tuple)
            return socket.create_connection(self.address, timeout=self.timeout)
        except OSError as exc:
            msg = f"clamd at {self.url} cannot be reached: {type(exc).__name__}"
            raise ScannerUnavailable(msg) from None

    @staticmethod
    def _read_reply(sock: socket.socket) -> bytes:
        reply = b""
        while not reply.endswith((b"\0", b"\n")) and len(reply) < MAX_REPLY_BYTES:
            piece = sock.recv(MAX_REPLY_BYTES)
            if not piece:
                break
            reply += piece
        return reply

    def scan(self, chunks: Iterable[bytes]) -> Verdict:
        """Stream ``chunks`` to clamd with ``zINSTREAM`` and return its verdict."""
        sock = self._connect()
        try:
            with sock:
                sock.sendall(b"zINSTREAM\0")
                try:
                    for chunk in _bounded(chunks):
                        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                    sock.sendall(struct.pack("!L", 0))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # clamd stops reading once its StreamMaxLength is reached, then answers why
                return reply_parse(self._read_reply(sock))
        except OSError as exc:
            msg = f"clamd at {self.url} failed during the scan: {type(exc).__name__}"
            raise ScannerUnavailable(msg) from None

    def ping(self) -> None:
        """Send ``zPING`` and expect ``PONG``."""
        sock = self._connect()
        try:
            with sock:
                sock.sendall(b"zPING\0")
                answer = self._read_reply(sock).rstrip(b"\0\r\n")
        except OSError as exc:
            msg = f"clamd at {self.url} failed to answer: {type(exc).__name__}"
            raise ScannerUnavailable(msg) from None
        if answer != b"PONG":
            msg = f"clamd at {self.url} did not answer PONG"
            raise ScannerUnavailable(msg)


def _bounded(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut ``chunks`` into pieces of at most ``CHUNK_BYTES`` (clamd's protocol has no other limit)."""
    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK_BYTES):
            yield chunk[start : start + CHUNK_BYTES]


def scanner() -> Scanner | None:
    """Return the configured scanner, or None when ``CHANCERY_CLAMD_URL`` is unset (scanning is off)."""
    if not settings.CLAMD_URL:
        return None
    return ClamdScanner(settings.CLAMD_URL, timeout=float(settings.CLAMD_TIMEOUT_SECONDS))


def _file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while piece := file.read(CHUNK_BYTES):
        yield piece
    file.seek(0)


def file_scan(*, file: IO[bytes]) -> Verdict | None:
    """Scan a seekable file with the configured scanner; None when scanning is off.

    Leaves the file at position 0. Raises ScannerUnavailable when the scanner gives no verdict.
    """
    active = scanner()
    if active is None:
        return None
    return active.scan(_file_chunks(file))


def upload_scan(*, actor: Actor, file: IO[bytes], filename: str, purpose: str) -> Verdict | None:
    """Refuse ``file`` (raise InvalidInput on field ``file``) if it is infected or cannot be scanned.

    Needs a seekable file (left at position 0). ``purpose`` names the upload (``"vault.document"``).
    Returns the verdict (None when scanning is off, or when clamd failed and ``CLAMD_FAIL_OPEN`` is on).
    Emits ``platform.upload_refused`` (outcome denied: the signature, the purpose and the file's SHA-256,
    never its content) in its own transaction, so the record survives the refused upload.
    """
    from chancery.audit.enums import Outcome
    from chancery.audit.services import audit_record

    try:
        verdict = file_scan(file=file)
    except ScannerUnavailable as exc:
        logger.error("upload scan failed for %s: %s", purpose, exc)
        if settings.CLAMD_FAIL_OPEN:
            return None
        message = _("The file could not be checked for malware, so it was not accepted. Try again later.")
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="platform.upload_refused",
                outcome=Outcome.FAILURE,
                object_type=purpose,
                detail={"reason": "scanner-unavailable", "sha256": _digest(file)},
            )
        raise InvalidInput(message, errors={"file": [message]}) from None
    if verdict is None or not verdict.infected:
        return verdict
    logger.warning("infected upload refused for %s: %s", purpose, verdict.signature)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="platform.upload_refused",
            outcome=Outcome.DENIED,
            object_type=purpose,
            detail={
                "reason": "malware",
                "signature": verdict.signature,
                "sha256": _digest(file),
                "name": filename[:200],
            },
        )
    message = _("The file %(name)s contains malware (%(signature)s) and was not accepted.") % {
        "name": filename,
        "signature": verdict.signature,
    }
    raise InvalidInput(message, errors={"file": [message]})


def _digest(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for piece in _file_chunks(file):
        digest.update(piece)
    return digest.hexdigest()


def scanner_check() -> tuple[bool, str]:
    """Return ``(passed, detail)`` for ``chancery check``: off, answering, or unreachable."""
    if not settings.CLAMD_URL:
        return True, "Off: CHANCERY_CLAMD_URL is unset, uploads are not scanned for malware."
    try:
        active = ClamdScanner(settings.CLAMD_URL, timeout=float(settings.CLAMD_TIMEOUT_SECONDS))
        active.ping()
    except (ValueError, ScannerUnavailable) as exc:
        mode = "accepted unscanned" if settings.CLAMD_FAIL_OPEN else "refused"
        return False, f"{exc} (uploads are {mode} meanwhile)."
    return True, f"clamd at {settings.CLAMD_URL} answers; uploads are scanned."
