"""C2SP signed-note v1: signing, parsing and verification of notes.

Implements https://c2sp.org/signed-note (format, signature lines, key IDs,
Ed25519 signature type ``0x01``) and the verifier / signer key encodings of
golang.org/x/mod/sumdb/note:

* verifier key (vkey): ``<name>+<8 hex key id>+<base64(type || public key)>``
* signer key (skey): ``PRIVATE+KEY+<name>+<8 hex key id>+<base64(type || private key)>``

For Ed25519 the private key material is the 32-byte RFC 8032 seed, exactly
as x/mod/sumdb/note ``GenerateKey`` writes it.

Verification is pluggable: anything with ``name``, ``key_id`` and
``verify(msg, sig) -> bool`` (the :class:`NoteVerifier` protocol) can be
passed to :func:`open_note`, which is how cosignatures (``0x04``, ``0x06``,
see :mod:`chancery_tlog.checkpoint` and :mod:`chancery_tlog.hybrid`) plug in.

Error hierarchy (all subclasses of :class:`NoteError`, itself a
``ValueError``):

* :class:`MalformedNoteError` — syntax violations of the note format.
* :class:`InvalidSignatureError` — a signature from a known key fails.
* :class:`UnverifiedNoteError` — well formed, but no known key signed it.
* :class:`AmbiguousKeyError` — two configured verifiers share name and id.
* :class:`MalformedKeyError` — a vkey / skey string is malformed.
* :class:`InvalidSignerError` — a signer has an invalid name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "MAX_SIGNATURES",
    "SIGNATURE_TYPE_ED25519",
    "AmbiguousKeyError",
    "InvalidSignatureError",
    "InvalidSignerError",
    "KeyVerifier",
    "MalformedKeyError",
    "MalformedNoteError",
    "NamedKey",
    "Note",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "SeedSigner",
    "Signature",
    "Signer",
    "UnverifiedNoteError",
    "Verifier",
    "b64decode_strict",
    "compute_key_id",
    "format_signature_line",
    "format_skey",
    "format_vkey",
    "generate_key",
    "is_valid_key_name",
    "open_note",
    "parse_note",
    "parse_signature_line",
    "parse_skey",
    "parse_vkey",
    "sign_note",
]

SIGNATURE_TYPE_ED25519 = 0x01
"""signed-note §Signature types: Ed25519 over the note text."""

MAX_SIGNATURES = 100
"""Maximum number of signature lines accepted (x/mod/sumdb/note uses 100;
the spec requires at least 16)."""

_EM_DASH_PREFIX = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"

# Go's unicode.IsSpace: the Unicode White_Space property.
_UNICODE_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f]")
_HEX8_RE = re.compile("[0-9a-fA-F]{8}")  # strconv.ParseUint(s, 16, 32) with len(s) == 8, as x/mod
_B64_RE = re.compile("[A-Za-z0-9+/]*={0,2}")


class NoteError(ValueError):
    """Base class of every signed-note error."""


class MalformedNoteError(NoteError):
    """The note violates the signed-note syntax."""


class MalformedKeyError(NoteError):
    """A verifier or signer key string is malformed or inconsistent."""


class InvalidSignerError(NoteError):
    """A signer cannot be used (e.g. invalid key name)."""


class InvalidSignatureError(NoteError):
    """A signature from a known key failed to verify; the note is rejected."""

    def __init__(self, name: str, key_id: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_id:08x}")
        self.name = name
        self.key_id = key_id


class AmbiguousKeyError(NoteError):
    """Several configured verifiers share the same key name and key ID."""

    def __init__(self, name: str, key_id: int) -> None:
        super().__init__(f"ambiguous key {name}+{key_id:08x}")
        self.name = name
        self.key_id = key_id


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID and the signature bytes (without the ID)."""

    name: str
    key_id: int
    signature: bytes

    @property
    def base64(self) -> str:
        """The signature line's base64 of the key ID followed by the signature."""
        return base64.b64encode(self.key_id.to_bytes(4, "big") + self.signature).decode("ascii")

    def line(self) -> str:
        """The full signature line, including the trailing newline."""
        return f"{_EM_DASH_PREFIX}{self.name} {self.base64}\n"


@dataclass(frozen=True)
class Note:
    """A parsed (not necessarily verified) note."""

    text: str
    signatures: tuple[Signature, ...]


class UnverifiedNoteError(NoteError):
    """The note is well formed but carries no signature from a known key."""

    def __init__(self, note: Note) -> None:
        super().__init__("note has no verifiable signatures")
        self.note = note


@runtime_checkable
class NoteVerifier(Protocol):
    """Anything that can check a note signature for one (name, key ID)."""

    @property
    def name(self) -> str:
        """Key name."""
        ...

    @property
    def key_id(self) -> int:
        """32-bit key ID."""
        ...

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """Return whether ``sig`` (without key ID) is valid for the note text ``msg``."""
        ...


@runtime_checkable
class NoteSigner(Protocol):
    """Anything that can produce a note signature."""

    @property
    def name(self) -> str:
        """Key name."""
        ...

    @property
    def key_id(self) -> int:
        """32-bit key ID."""
        ...

    def sign(self, msg: bytes) -> bytes:
        """Return the signature (without key ID) of the note text ``msg``."""
        ...


def is_valid_key_name(name: object) -> bool:
    """signed-note §Format: non-empty, no Unicode spaces, no ``+``.

    Control characters are also rejected since notes may not contain them.
    """
    if not isinstance(name, str) or not name or "+" in name:
        return False
    if any(c in _UNICODE_SPACES for c in name) or _CONTROL_RE.search(name):
        return False
    return _is_utf8(name)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def b64decode_strict(text: str) -> bytes:
    """Decode standard, padded base64 (RFC 4648 §4); raise ``ValueError`` otherwise.

    Non-canonical encodings (non-zero trailing bits) are rejected too.
    """
    if not isinstance(text, str) or len(text) % 4 or not _B64_RE.fullmatch(text):
        raise ValueError("invalid base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("invalid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return raw


def compute_key_id(name: str, key_material: bytes) -> int:
    """signed-note §Signatures: ``SHA-256(name || 0x0A || type || public key)[:4]``.

    ``key_material`` is the signature type byte followed by the public key.
    """
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + key_material).digest()
    return int.from_bytes(digest[:4], "big")


def format_vkey(name: str, key_material: bytes) -> str:
    """Encode ``<name>+<hex key id>+<base64(type || public key)>``."""
    if not is_valid_key_name(name):
        raise MalformedKeyError("invalid key name")
    if not key_material:
        raise MalformedKeyError("empty key")
    kid = compute_key_id(name, key_material)
    return f"{name}+{kid:08x}+{base64.b64encode(key_material).decode('ascii')}"


def parse_vkey(vkey: str) -> tuple[str, int, bytes]:
    """Parse a verifier key into ``(name, key_id, type || public key)``.

    Checks the name, the 8-hex-digit ID and that the ID matches
    :func:`compute_key_id`; raises :class:`MalformedKeyError` otherwise.
    """
    if not isinstance(vkey, str):
        raise MalformedKeyError("verifier key must be a string")
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise MalformedKeyError("malformed verifier key")
    name, hex_id, b64 = parts
    if not is_valid_key_name(name) or not _HEX8_RE.fullmatch(hex_id):
        raise MalformedKeyError("malformed verifier key")
    try:
        material = b64decode_strict(b64)
    except ValueError as exc:
        raise MalformedKeyError("malformed verifier key") from exc
    if len(material) < 2:
        raise MalformedKeyError("malformed verifier key")
    key_id = int(hex_id, 16)
    if key_id != compute_key_id(name, material):
        raise MalformedKeyError("verifier key ID does not match the key")
    return name, key_id, material


def format_skey(name: str, key_id: int, private_material: bytes) -> str:
    """Encode ``PRIVATE+KEY+<name>+<hex key id>+<base64(type || private key)>``."""
    if not is_valid_key_name(name):
        raise MalformedKeyError("invalid key name")
    return f"{_PRIVATE_PREFIX}{name}+{key_id:08x}+{base64.b64encode(private_material).decode('ascii')}"


def parse_skey(skey: str) -> tuple[str, int, bytes]:
    """Parse a signer key into ``(name, key_id, type || private key)``.

    The key ID is not checked here (it commits to the *public* key); the
    concrete signer classes derive the public key and check it.
    """
    if not isinstance(skey, str) or not skey.startswith(_PRIVATE_PREFIX):
        raise MalformedKeyError("malformed signer key")
    parts = skey[len(_PRIVATE_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise MalformedKeyError("malformed signer key")
    name, hex_id, b64 = parts
    if not is_valid_key_name(name) or not _HEX8_RE.fullmatch(hex_id):
        raise MalformedKeyError("malformed signer key")
    try:
        material = b64decode_strict(b64)
    except ValueError as exc:
        raise MalformedKeyError("malformed signer key") from exc
    if len(material) < 2:
        raise MalformedKeyError("malformed signer key")
    return name, int(hex_id, 16), material


class NamedKey(ABC):
    """What every verifier and signer shares: a key name, its type byte and public key, and the key ID.

    The key ID commits to all three (signed-note §Signatures: the first four bytes of
    SHA-256(name || 0x0A || type || public key)), so two keys of one name never collide.
    """

    signature_type: ClassVar[int]
    algorithm: ClassVar[str]
    """Human name of the algorithm, for error messages (``"Ed25519"``)."""
    key_kind: ClassVar[str]
    """What a key of this class is, for error messages (``"an Ed25519 (0x01)"``)."""
    max_name_bytes: ClassVar[int | None] = None
    """A longer name is refused (for encodings that length-prefix the name in one byte)."""

    _name: str
    _public_key: bytes
    _key_id: int

    @classmethod
    def _check_name(cls, name: str) -> None:
        too_long = cls.max_name_bytes is not None and len(name.encode("utf-8")) > cls.max_name_bytes
        if not is_valid_key_name(name) or too_long:
            raise MalformedKeyError("invalid key name")

    def _bind(self, name: str, public_key: bytes) -> None:
        self._name = name
        self._public_key = public_key
        self._key_id = compute_key_id(name, bytes([self.signature_type]) + public_key)

    @property
    def name(self) -> str:
        """Key name."""
        return self._name

    @property
    def key_id(self) -> int:
        """Key ID per signed-note §Signatures."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """Raw public key (without the type byte)."""
        return self._public_key

    @property
    def vkey(self) -> str:
        """Verifier key string ``<name>+<hex id>+<base64(type || public key)>``."""
        return format_vkey(self._name, bytes([self.signature_type]) + self._public_key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r}, key_id={self._key_id:08x})"


class KeyVerifier[K](NamedKey):
    """Base of the verifiers: checks the name and public key and parses verifier keys of its own type."""

    public_key_size: ClassVar[int]

    def __init__(self, name: str, public_key: bytes) -> None:
        self._check_name(name)
        if not isinstance(public_key, bytes) or len(public_key) != self.public_key_size:
            raise MalformedKeyError(f"{self.algorithm} public keys are {self.public_key_size} bytes")
        try:
            self._key: K = self._load_public_key(public_key)
        except ValueError as exc:
            raise MalformedKeyError(f"invalid {self.algorithm} public key") from exc
        self._bind(name, public_key)

    @staticmethod
    @abstractmethod
    def _load_public_key(raw: bytes) -> K:
        """Return the library's public key object for ``raw`` (``ValueError`` if it is not one)."""

    @classmethod
    def from_vkey(cls, vkey: str) -> Self:
        """Parse ``<name>+<hex id>+<base64(type || public key)>`` of this class's signature type."""
        name, _, material = parse_vkey(vkey)
        if material[0] != cls.signature_type:
            raise MalformedKeyError(f"not {cls.key_kind} verifier key")
        return cls(name, material[1:])


class SeedSigner[K](NamedKey):
    """Base of the signers: a private key derived from a 32-byte seed, stored as the seed in signer keys.

    ``options`` of :meth:`generate` and :meth:`from_skey` go to the subclass's constructor (a clock, for
    the timestamping cosigners).
    """

    SEED_SIZE: ClassVar[int] = 32

    def __init__(self, name: str, seed: bytes) -> None:
        self._check_name(name)
        if not isinstance(seed, bytes) or len(seed) != self.SEED_SIZE:
            raise MalformedKeyError(f"{self.algorithm} seeds are {self.SEED_SIZE} bytes")
        self._seed = seed
        self._key: K = self._load_seed(seed)
        self._bind(name, self._public_bytes(self._key))

    @staticmethod
    @abstractmethod
    def _load_seed(seed: bytes) -> K:
        """Return the library's private key object derived from ``seed``."""

    @staticmethod
    @abstractmethod
    def _public_bytes(key: K) -> bytes:
        """Return the raw public key of the private ``key``."""

    @classmethod
    def generate(cls, name: str, **options: Any) -> Self:
        """Create a signer with a fresh random seed from the operating system."""
        return cls(name, secrets.token_bytes(cls.SEED_SIZE), **options)

    @classmethod
    def from_skey(cls, skey: str, **options: Any) -> Self:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(type || 32-byte seed)>`` of this class's type."""
        name, key_id, material = parse_skey(skey)
        if material[0] != cls.signature_type or len(material) != 1 + cls.SEED_SIZE:
            raise MalformedKeyError(f"not {cls.key_kind} signer key")
        signer = cls(name, material[1:], **options)
        if signer.key_id != key_id:
            raise MalformedKeyError("signer key ID does not match the key")
        return signer

    @property
    def skey(self) -> str:
        """Signer key string (secret)."""
        return format_skey(self._name, self._key_id, bytes([self.signature_type]) + self._seed)


class Verifier(KeyVerifier[Ed25519PublicKey]):
    """Ed25519 note verifier (signature type ``0x01``, signed-note §Ed25519)."""

    signature_type = SIGNATURE_TYPE_ED25519
    algorithm = "Ed25519"
    key_kind = "an Ed25519 (0x01)"
    public_key_size = 32

    @staticmethod
    def _load_public_key(raw: bytes) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(raw)

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """RFC 8032 verification of ``sig`` over the note text ``msg``."""
        if len(sig) != 64:
            return False
        try:
            self._key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True


class Signer(SeedSigner[Ed25519PrivateKey]):
    """Ed25519 note signer (signature type ``0x01``); the seed is the RFC 8032 private key."""

    signature_type = SIGNATURE_TYPE_ED25519
    algorithm = "Ed25519"
    key_kind = "an Ed25519 (0x01)"

    @staticmethod
    def _load_seed(seed: bytes) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(seed)

    @staticmethod
    def _public_bytes(key: Ed25519PrivateKey) -> bytes:
        return key.public_key().public_bytes_raw()

    def verifier(self) -> Verifier:
        """The matching :class:`Verifier`."""
        return Verifier(self._name, self._public_key)

    def sign(self, msg: bytes) -> bytes:
        """RFC 8032 Ed25519 signature over ``msg``."""
        return self._key.sign(msg)


def generate_key(name: str) -> tuple[str, str]:
    """Generate an Ed25519 key pair; return ``(skey, vkey)`` like x/mod ``GenerateKey``."""
    signer = Signer.generate(name)
    return signer.skey, signer.vkey


def _check_text(text: str, what: str = "note") -> None:
    if not _is_utf8(text):
        raise MalformedNoteError(f"{what} is not valid UTF-8")
    if _CONTROL_RE.search(text):
        raise MalformedNoteError(f"{what} contains control characters")


def format_signature_line(sig: Signature) -> str:
    """Return the signature line ``— <name> <base64(key id || sig)>`` with its newline."""
    if not is_valid_key_name(sig.name):
        raise MalformedNoteError("invalid key name")
    return sig.line()


def parse_signature_line(line: str) -> Signature:
    """Parse one signature line (without its trailing newline)."""
    if not line.startswith(_EM_DASH_PREFIX):
        raise MalformedNoteError("signature line must start with an em dash and a space")
    name, sep, b64 = line[len(_EM_DASH_PREFIX) :].partition(" ")
    if not sep or not is_valid_key_name(name) or not b64:
        raise MalformedNoteError("malformed signature line")
    try:
        raw = b64decode_strict(b64)
    except ValueError as exc:
        raise MalformedNoteError("malformed signature base64") from exc
    if len(raw) < 5:
        raise MalformedNoteError("signature too short")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into text and signatures without verifying them.

    Enforces signed-note §Format: valid UTF-8, no control characters other
    than newline, text ending in newline, the *last* blank line separating
    the text from one or more well-formed signature lines, and at most
    :data:`MAX_SIGNATURES` signatures.  Raises :class:`MalformedNoteError`.
    """
    if isinstance(note, (bytes, bytearray)):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNoteError("note is not valid UTF-8") from exc
    if not isinstance(note, str):
        raise MalformedNoteError("note must be str or bytes")
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("missing blank line before signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    if not sig_block or not sig_block.endswith("\n"):
        raise MalformedNoteError("signature block must be non-empty and end in newline")
    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError("too many signatures")
    return Note(text, tuple(parse_signature_line(line) for line in lines))


def _index_verifiers(verifiers: Iterable[NoteVerifier]) -> dict[tuple[str, int], list[NoteVerifier]]:
    index: dict[tuple[str, int], list[NoteVerifier]] = {}
    for v in verifiers:
        index.setdefault((v.name, v.key_id), []).append(v)
    return index


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> tuple[str, list[Signature]]:
    """Parse and verify a signed note (signed-note §Signatures).

    Returns the note text and the verified signatures (in note order, one per
    key).  Signatures from unknown (name, key ID) pairs are ignored; any
    signature from a known key that does not verify raises
    :class:`InvalidSignatureError`; if no known key signed the note,
    :class:`UnverifiedNoteError` is raised.
    """
    parsed = parse_note(note)
    known = _index_verifiers(verifiers)
    msg = parsed.text.encode("utf-8")
    verified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig in parsed.signatures:
        candidates = known.get((sig.name, sig.key_id))
        if not candidates:
            continue
        if len(candidates) > 1:
            raise AmbiguousKeyError(sig.name, sig.key_id)
        try:
            ok = candidates[0].verify(msg, sig.signature)
        except Exception:  # noqa: BLE001 - a plug-in verifier must not crash open_note
            ok = False
        if not ok:
            raise InvalidSignatureError(sig.name, sig.key_id)
        if (sig.name, sig.key_id) not in seen:
            seen.add((sig.name, sig.key_id))
            verified.append(sig)
    if not verified:
        raise UnverifiedNoteError(parsed)
    return parsed.text, verified


def sign_note(
    text: str,
    signers: Sequence[NoteSigner] | NoteSigner,
    existing: Sequence[Signature] = (),
) -> str:
    """Sign ``text`` with each signer and return the encoded note.

    ``existing`` signatures (e.g. from :func:`parse_note`) are emitted first,
    except those replaced by a signer with the same name and key ID, like
    x/mod/sumdb/note ``Sign``.  Raises :class:`MalformedNoteError` if the text
    does not end in a newline or contains forbidden characters, and
    :class:`InvalidSignerError` for a signer with an invalid name.
    """
    if isinstance(signers, NoteSigner):
        signers = [signers]
    if not isinstance(text, str) or not text.endswith("\n"):
        raise MalformedNoteError("note text must end in newline")
    _check_text(text, "note text")
    msg = text.encode("utf-8")
    new_lines: list[str] = []
    replaced: set[tuple[str, int]] = set()
    for s in signers:
        if not is_valid_key_name(s.name):
            raise InvalidSignerError(f"invalid signer name {s.name!r}")
        replaced.add((s.name, s.key_id))
        new_lines.append(Signature(s.name, s.key_id, s.sign(msg)).line())
    old_lines = [format_signature_line(sig) for sig in existing if (sig.name, sig.key_id) not in replaced]
    lines = old_lines + new_lines
    if not lines:
        raise InvalidSignerError("at least one signature is required")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError("too many signatures")
    return text + "\n" + "".join(lines)
