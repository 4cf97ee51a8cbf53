r"""C2SP tlog-checkpoint bodies and C2SP tlog-cosignature/v1 Ed25519 cosignatures.

Checkpoint (https://c2sp.org/tlog-checkpoint, §Note text)::

    <origin>\n
    <tree size, ASCII decimal, no leading zeroes>\n
    <base64 RFC 6962 root hash>\n
    [<extension line>\n ...]

Cosignature (https://c2sp.org/tlog-cosignature, Ed25519 type ``0x04``):

* key ID = ``SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]``;
* signed message = ``"cosignature/v1\n" || "time <unix seconds>\n" ||
  <checkpoint note body>``;
* signature bytes = ``u64 big-endian timestamp || 64-byte Ed25519 signature``.

:class:`CosignatureSigner` / :class:`CosignatureVerifier` implement the
:class:`~chancery_tlog.note.NoteSigner` / :class:`~chancery_tlog.note.NoteVerifier`
protocols, so cosignatures are produced by :func:`~chancery_tlog.note.sign_note`
and checked by :func:`~chancery_tlog.note.open_note` like any note signature.
The signer key (skey) encoding ``PRIVATE+KEY+<name>+<id>+base64(0x04 ||
32-byte seed)`` mirrors x/mod/sumdb/note and is project-specific (the specs
define no private key encoding for type ``0x04``).
"""

from __future__ import annotations

import base64
import re
import time
from abc import abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .merkle import HASH_SIZE
from .note import (
    KeyVerifier,
    NoteError,
    NoteVerifier,
    SeedSigner,
    Signature,
    b64decode_strict,
    open_note,
)

__all__ = [
    "COSIGNATURE_TYPE_ED25519",
    "MAX_TIMESTAMP",
    "MAX_TREE_SIZE",
    "Checkpoint",
    "CosignatureSigner",
    "CosignatureVerifier",
    "MalformedCheckpointError",
    "OriginMismatchError",
    "TimestampedSigner",
    "TimestampedVerifier",
    "cosignature_message",
    "cosignature_timestamp",
    "open_checkpoint",
    "parse_decimal",
    "verified_cosignatures",
]

COSIGNATURE_TYPE_ED25519 = 0x04
"""signed-note signature type of tlog-cosignature/v1 Ed25519 cosignatures."""

MAX_TREE_SIZE = 2**64 - 1
"""Largest tree size accepted (sizes are uint64 everywhere in the ecosystem)."""

MAX_TIMESTAMP = 2**63 - 1
"""tlog-cosignature §Format: the timestamp MUST NOT exceed 2^63 - 1."""

MAX_CHECKPOINT_LINES = 1024
"""Upper bound on checkpoint lines (origin + size + root + extensions) accepted."""

_DECIMAL_RE = re.compile("0|[1-9][0-9]*")
_CONTROL_RE = re.compile("[\x00-\x1f]")
_COSIG_HEADER = b"cosignature/v1\n"


class MalformedCheckpointError(NoteError):
    """The text is not a well-formed tlog-checkpoint body."""


class OriginMismatchError(NoteError):
    """The checkpoint origin is not the expected one."""


def parse_decimal(text: str, maximum: int = MAX_TREE_SIZE) -> int:
    """Parse an ASCII decimal without leading zeroes (``"0"`` allowed), ``<= maximum``.

    Raises ``ValueError``.
    """
    if not isinstance(text, str) or len(text) > len(str(maximum)) or not _DECIMAL_RE.fullmatch(text):
        raise ValueError(f"invalid decimal {text!r}")
    value = int(text)
    if value > maximum:
        raise ValueError("value out of range")
    return value


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint note body."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin or _CONTROL_RE.search(self.origin):
            raise MalformedCheckpointError("origin must be a non-empty line")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedCheckpointError("size must be a uint64")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpointError("root hash must be 32 bytes")
        if not isinstance(self.extensions, tuple):
            object.__setattr__(self, "extensions", tuple(self.extensions))
        for ext in self.extensions:
            if not isinstance(ext, str) or not ext or _CONTROL_RE.search(ext):
                raise MalformedCheckpointError("extension lines must be non-empty lines")
        try:
            (self.origin + "".join(self.extensions)).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedCheckpointError("checkpoint is not valid UTF-8") from exc

    def format(self) -> str:
        """Return the note body (tlog-checkpoint §Note text), ending in newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode("ascii")]
        lines.extend(self.extensions)
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """Strictly parse a checkpoint note body (the text of a signed note).

        Requires: trailing newline; non-empty origin; decimal size without
        leading zeroes (``0`` allowed) below 2^64; canonical base64 of a
        32-byte root hash; non-empty extension lines; no control characters.
        Raises :class:`MalformedCheckpointError`.
        """
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedCheckpointError("checkpoint is not valid UTF-8") from exc
        if not isinstance(text, str) or not text.endswith("\n"):
            raise MalformedCheckpointError("checkpoint must end in newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedCheckpointError("checkpoint needs origin, size and root hash lines")
        if len(lines) > MAX_CHECKPOINT_LINES:
            raise MalformedCheckpointError("too many extension lines")
        origin, size_line, root_line, *extensions = lines
        try:
            size = parse_decimal(size_line)
        except ValueError as exc:
            raise MalformedCheckpointError("invalid tree size line") from exc
        try:
            root = b64decode_strict(root_line)
        except ValueError as exc:
            raise MalformedCheckpointError("invalid root hash line") from exc
        if len(root) != HASH_SIZE:
            raise MalformedCheckpointError("root hash must be 32 bytes")
        return cls(origin, size, root, tuple(extensions))


def open_checkpoint(
    note: str | bytes,
    verifiers: Iterable[NoteVerifier],
    origin: str | None = None,
) -> tuple[Checkpoint, list[Signature]]:
    """Verify a signed checkpoint note and parse its body.

    Signature rules are those of :func:`~chancery_tlog.note.open_note`; the
    body must then parse as a checkpoint and, if ``origin`` is given, carry
    that origin (:class:`OriginMismatchError`).
    """
    text, sigs = open_note(note, verifiers)
    cp = Checkpoint.parse(text)
    if origin is not None and cp.origin != origin:
        raise OriginMismatchError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    return cp, sigs


def cosignature_message(body: str | bytes, timestamp: int) -> bytes:
    """tlog-cosignature §Ed25519 signed message for a checkpoint note body."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("timestamp out of range")
    return _COSIG_HEADER + b"time " + str(timestamp).encode("ascii") + b"\n" + bytes(body)


def cosignature_timestamp(signature: Signature | bytes) -> int:
    """Return the timestamp of a tlog-cosignature (``0x04`` or ``0x06``) signature.

    Accepts a :class:`~chancery_tlog.note.Signature` or the raw signature
    bytes (without the key ID).  Raises ``ValueError`` if too short.
    """
    raw = signature.signature if isinstance(signature, Signature) else signature
    if len(raw) < 8:
        raise ValueError("not a timestamped signature")
    return int.from_bytes(raw[:8], "big")


class TimestampedVerifier[K](KeyVerifier[K]):
    """Base of the verifiers of timestamped cosignatures (``0x04``, ``0x06``)."""

    @abstractmethod
    def verify_timestamp(self, msg: bytes, sig: bytes) -> int | None:
        """Verify a cosignature over the checkpoint body ``msg``; return its timestamp, ``None`` if invalid."""

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """:class:`~chancery_tlog.note.NoteVerifier` entry point."""
        return self.verify_timestamp(msg, sig) is not None


class TimestampedSigner[K](SeedSigner[K]):
    """Base of the cosigners: each signature carries the time of signing.

    ``clock`` returns the current POSIX time in seconds (default :func:`time.time`); it is truncated to an
    integer.
    """

    def __init__(self, name: str, seed: bytes, clock: Callable[[], float] = time.time) -> None:
        super().__init__(name, seed)
        self._clock = clock

    @abstractmethod
    def sign_at(self, msg: bytes, timestamp: int) -> bytes:
        """Cosign the checkpoint body ``msg`` with an explicit timestamp."""

    def sign(self, msg: bytes) -> bytes:
        """:class:`~chancery_tlog.note.NoteSigner` entry point (current time)."""
        return self.sign_at(msg, int(self._clock()))


class CosignatureVerifier(TimestampedVerifier[Ed25519PublicKey]):
    """Verifier of tlog-cosignature/v1 Ed25519 (``0x04``) cosignatures."""

    signature_type = COSIGNATURE_TYPE_ED25519
    algorithm = "Ed25519"
    key_kind = "a cosignature (0x04)"
    public_key_size = 32

    @staticmethod
    def _load_public_key(raw: bytes) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(raw)

    def verify_timestamp(self, msg: bytes, sig: bytes) -> int | None:
        """Verify and return the cosignature timestamp, or ``None`` if invalid."""
        if len(sig) != 72:
            return None
        timestamp = int.from_bytes(sig[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return None
        try:
            self._key.verify(sig[8:], cosignature_message(msg, timestamp))
        except InvalidSignature:
            return None
        return timestamp


class CosignatureSigner(TimestampedSigner[Ed25519PrivateKey]):
    """Signer of tlog-cosignature/v1 Ed25519 (``0x04``) cosignatures."""

    signature_type = COSIGNATURE_TYPE_ED25519
    algorithm = "Ed25519"
    key_kind = "a cosignature (0x04)"

    @staticmethod
    def _load_seed(seed: bytes) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(seed)

    @staticmethod
    def _public_bytes(key: Ed25519PrivateKey) -> bytes:
        return key.public_key().public_bytes_raw()

    def verifier(self) -> CosignatureVerifier:
        """The matching :class:`CosignatureVerifier`."""
        return CosignatureVerifier(self._name, self._public_key)

    def sign_at(self, msg: bytes, timestamp: int) -> bytes:
        """Cosign the checkpoint body ``msg`` with an explicit timestamp."""
        return timestamp.to_bytes(8, "big") + self._key.sign(cosignature_message(msg, timestamp))


def verified_cosignatures(
    signatures: Sequence[Signature], verifiers: Iterable[NoteVerifier]
) -> dict[tuple[str, int], int]:
    """Map ``(name, key_id)`` of verified timestamped signatures to their timestamp.

    ``signatures`` are signatures already verified by
    :func:`~chancery_tlog.note.open_note`; those made by one of the given
    cosignature ``verifiers`` (types ``0x04`` / ``0x06``) are reported.
    """
    ids = {(v.name, v.key_id) for v in verifiers}
    return {
        (s.name, s.key_id): cosignature_timestamp(s)
        for s in signatures
        if (s.name, s.key_id) in ids and len(s.signature) >= 8
    }
