"""The backup archive format: a header naming the backup key, then one sealed stream holding a tar.

::

    archive = MAGIC | header length (uint32, big-endian) | header (JSON, UTF-8) | sealed stream
    sealed stream = the vault's chunked AES-256-GCM format (chancery.vault.crypto) of a tar stream,
                    under a content key encapsulated to the backup key (X25519 + ML-KEM-768, see
                    backup_keys), with SHA-256 of MAGIC and the header as the stream's context

The tar's last member is ``manifest.json``: every other member's name, size and SHA-256. Any altered,
reordered, truncated or appended byte fails the stream's authentication; a member left out or changed
before sealing fails the manifest. Nothing here needs the database: archives are written and read as
streams, one chunk at a time, so their size is bounded by disk, not memory.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any, BinaryIO

from chancery.resilience.backup_keys import (
    BackupPrivateKey,
    BackupPublicKey,
    Encapsulation,
    content_key_decapsulate,
    content_key_encapsulate,
)
from chancery.vault import crypto

MAGIC = b"CHANCERY-BACKUP\n"
FORMAT = 1
MAX_HEADER_BYTES = 64 * 1024
MANIFEST = "manifest.json"
COPY_BYTES = 1024 * 1024
CAPSULE_FIELDS = ("ephemeral_x25519", "mlkem_ciphertext")


class ArchiveError(Exception):
    """The archive is not a Chancery backup, is damaged, or does not match its manifest."""


class ArchiveKeyMismatch(ArchiveError):
    """The archive was encrypted to another backup key."""


def _transcript(meta: dict[str, Any]) -> bytes:
    plain = {k: v for k, v in meta.items() if k not in CAPSULE_FIELDS}
    return MAGIC + json.dumps(plain, sort_keys=True, separators=(",", ":")).encode("utf-8")


class _HashingReader:
    """Reads through to ``inner`` and hashes what passes."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self.digest.update(data)
        return data


class _MemberReader(_HashingReader):
    """A member's reader: hashes what passes and reports damage found while the caller reads as ArchiveError.

    The chunks are authenticated as the caller reads, so a damaged or truncated archive surfaces here, in
    the caller's frame, as well as in the member iterator.
    """

    def read(self, size: int = -1) -> bytes:
        try:
            return super().read(size)
        except crypto.IntegrityError as exc:
            msg = f"the archive is damaged: {exc}"
            raise ArchiveError(msg) from None
        except tarfile.TarError as exc:
            msg = f"the archive's content is malformed: {exc}"
            raise ArchiveError(msg) from None


class _SealingFile:
    """A write-only file that seals what tarfile writes and passes it to ``out``."""

    def __init__(self, out: BinaryIO, sealer: crypto.StreamSealer) -> None:
        self._out = out
        self._sealer = sealer
        out.write(sealer.header())

    def write(self, data: bytes) -> int:
        sealed = self._sealer.write(bytes(data))
        if sealed:
            self._out.write(sealed)
        return len(data)

    def close(self) -> None:
        self._out.write(self._sealer.close())


@dataclass
class ArchiveWriter:
    """Writes one archive to ``out``: ``add_stream``/``add_bytes`` members, then ``close()``."""

    out: BinaryIO
    public_key: BackupPublicKey
    meta: dict[str, Any]
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        header: dict[str, Any] = {"format": FORMAT, "key_fingerprint": self.public_key.fingerprint, **self.meta}
        key, capsule = content_key_encapsulate(self.public_key, transcript=_transcript(header))
        header["ephemeral_x25519"] = base64.b64encode(capsule.ephemeral_x25519).decode("ascii")
        header["mlkem_ciphertext"] = base64.b64encode(capsule.mlkem_ciphertext).decode("ascii")
        encoded = json.dumps(header, sort_keys=True).encode("utf-8")
        self.out.write(MAGIC + struct.pack(">I", len(encoded)) + encoded)
        context = hashlib.sha256(MAGIC + encoded).digest()
        self._file = _SealingFile(self.out, crypto.StreamSealer(key=key, context=context))
        self._tar = tarfile.open(fileobj=self._file, mode="w|", format=tarfile.PAX_FORMAT)  # type: ignore[call-overload]  # noqa: SIM115 (closed in close())

    def add_stream(self, name: str, reader: IO[bytes], size: int) -> None:
        """Add member ``name`` with exactly ``size`` bytes read from ``reader`` (streamed, hashed)."""
        if name == MANIFEST or name in self.manifest:
            msg = f"duplicate archive member {name}"
            raise ArchiveError(msg)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        hashing = _HashingReader(reader)
        self._tar.addfile(info, hashing)
        self.manifest[name] = {"size": size, "sha256": hashing.digest.hexdigest()}

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add member ``name`` holding ``data``."""
        self.add_stream(name, io.BytesIO(data), len(data))

    def close(self) -> None:
        """Write the manifest as the last member and seal the final chunk."""
        data = json.dumps({"format": FORMAT, "members": self.manifest}, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._file.close()


def header_read(source: BinaryIO) -> dict[str, Any]:
    """Read and return an archive's header (raises ArchiveError when it is not a Chancery backup)."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        msg = "not a Chancery backup archive"
        raise ArchiveError(msg)
    raw_length = source.read(4)
    if len(raw_length) != 4:
        msg = "the archive ends inside its header"
        raise ArchiveError(msg)
    (length,) = struct.unpack(">I", raw_length)
    if not 0 < length <= MAX_HEADER_BYTES:
        msg = "the archive header has an impossible length"
        raise ArchiveError(msg)
    encoded = source.read(length)
    if len(encoded) != length:
        msg = "the archive ends inside its header"
        raise ArchiveError(msg)
    try:
        header = json.loads(encoded)
    except ValueError:
        msg = "the archive header is not JSON"
        raise ArchiveError(msg) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        msg = "unsupported archive format"
        raise ArchiveError(msg)
    header["_raw"] = encoded
    return header


@dataclass(frozen=True, slots=True)
class Member:
    """One member as read: its name, size and a reader of exactly its bytes (read it before the next)."""

    name: str
    size: int
    reader: IO[bytes]


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name != path.as_posix():
        msg = f"the archive holds an unsafe member name {name!r}"
        raise ArchiveError(msg)
    return name


def members_read(source: BinaryIO, private_key: BackupPrivateKey) -> tuple[dict[str, Any], Iterator[Member]]:
    """Open an archive with the private key; return its header and an iterator over its members.

    The iterator checks each member against the manifest (size and SHA-256) as it is consumed, and at
    the end checks that every manifest entry was seen; it raises ArchiveError on any mismatch and
    ArchiveKeyMismatch (before reading anything sealed) when the archive names another key. Members
    come out only after their chunks authenticated, so no altered byte is ever returned.
    """
    header = header_read(source)
    raw = header.pop("_raw")
    fingerprint = private_key.public().fingerprint
    if header.get("key_fingerprint") != fingerprint:
        msg = f"the archive was encrypted to backup key {header.get('key_fingerprint')}, not to {fingerprint}"
        raise ArchiveKeyMismatch(msg)
    try:
        capsule = Encapsulation(
            ephemeral_x25519=base64.b64decode(header["ephemeral_x25519"], validate=True),
            mlkem_ciphertext=base64.b64decode(header["mlkem_ciphertext"], validate=True),
        )
        key = content_key_decapsulate(private_key, capsule, transcript=_transcript(header))
    except (KeyError, TypeError, ValueError):
        msg = "the archive header's key encapsulation is malformed"
        raise ArchiveError(msg) from None
    context = hashlib.sha256(MAGIC + raw).digest()
    plaintext = crypto.iterable_reader(crypto.decrypt_stream(source, key=key, context=context))
    return header, _members(plaintext)


def _members(plaintext: crypto.Readable) -> Iterator[Member]:
    seen: dict[str, dict[str, Any]] = {}
    try:
        with tarfile.open(fileobj=plaintext, mode="r|") as tar:  # type: ignore[call-overload]
            for info in tar:
                name = _safe_name(info.name)
                if not info.isfile():
                    msg = f"the archive member {name!r} is not a regular file"
                    raise ArchiveError(msg)
                handle = tar.extractfile(info)
                assert handle is not None
                if name == MANIFEST:
                    _manifest_check(handle.read(), seen)
                    return
                if name in seen:
                    msg = f"the archive holds {name!r} twice"
                    raise ArchiveError(msg)
                hashing = _MemberReader(handle)
                yield Member(name=name, size=info.size, reader=hashing)  # type: ignore[arg-type]
                while hashing.read(COPY_BYTES):  # the consumer may not have read it all
                    pass
                seen[name] = {"size": info.size, "sha256": hashing.digest.hexdigest()}
    except crypto.IntegrityError as exc:
        msg = f"the archive is damaged: {exc}"
        raise ArchiveError(msg) from None
    except tarfile.TarError as exc:
        msg = f"the archive's content is malformed: {exc}"
        raise ArchiveError(msg) from None
    msg = "the archive has no manifest (truncated before sealing?)"
    raise ArchiveError(msg)


def _manifest_check(data: bytes, seen: dict[str, dict[str, Any]]) -> None:
    try:
        manifest = json.loads(data)["members"]
    except (ValueError, KeyError, TypeError):
        msg = "the archive's manifest is malformed"
        raise ArchiveError(msg) from None
    if manifest != seen:
        missing = sorted(set(manifest) - set(seen))
        extra = sorted(set(seen) - set(manifest))
        changed = sorted(n for n in set(manifest) & set(seen) if manifest[n] != seen[n])
        msg = f"the archive does not match its manifest (missing {missing}, unexpected {extra}, altered {changed})"
        raise ArchiveError(msg)
