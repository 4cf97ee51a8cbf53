"""Where sealed blobs live: the local filesystem by default, written atomically and read as streams.

A blob is written to a temporary file under ``<root>/tmp/``, fsynced, renamed into place
(``<root>/<k[0:2]>/<k>``) and the directory fsynced, so a crash leaves either the whole blob or only a
temporary file (which :meth:`LocalBlobStore.sweep_temporary` removes). Blob keys are random hex strings
chosen by the store; any other key is refused, so no caller-supplied name ever reaches a path.

:class:`BlobStore` is the interface; :mod:`chancery.vault.blobs_s3` implements it for S3-compatible object
storage through django-storages. :func:`blob_store` returns the one ``VAULT_BLOB_STORE`` selects.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"^[0-9a-f]{32}$")
READ_BUFFER_BYTES = 1024 * 1024


class BlobNotFound(Exception):
    """No blob is stored under that key."""


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """A blob once it is durably in place: its key and size in bytes."""

    key: str
    size: int


@dataclass(frozen=True, slots=True)
class S3Settings:
    """Where the blobs go: bucket, optional key prefix, endpoint, region, credentials and CA bundle."""

    bucket: str
    prefix: str = "vault/blobs/"
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = field(default="", repr=False)
    ca_bundle: str = ""


class BlobStore(Protocol):
    """What the vault needs from a blob store."""

    def write(self, chunks: Iterable[bytes], *, key: str | None = None) -> StoredBlob:
        """Store the concatenation of ``chunks`` under a new key (or ``key``, for restores), atomically and durably."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open the blob for streaming reads (raise BlobNotFound)."""
        ...

    def delete(self, key: str) -> bool:
        """Delete the blob; return False if it did not exist."""
        ...

    def keys(self, *, older_than_seconds: float) -> Iterator[str]:
        """Yield every stored key last written more than ``older_than_seconds`` ago."""
        ...

    def sweep_temporary(self, *, older_than_seconds: float) -> int:
        """Remove unfinished writes older than ``older_than_seconds``; return how many."""
        ...


def is_key(name: str) -> bool:
    """True when ``name`` has the shape of a blob key (32 lower-case hex digits)."""
    return _KEY.fullmatch(name) is not None


def check_key(key: str) -> str:
    """Return ``key`` if it is a well-formed blob key; raise ValueError otherwise (no path tricks)."""
    if not _KEY.fullmatch(key):
        msg = "malformed blob key"
        raise ValueError(msg)
    return key


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class LocalBlobStore:
    """Blobs as files under ``root`` (mode 0600, directories 0700)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.temporary_dir = self.root / "tmp"

    def path_of(self, key: str) -> Path:
        """Return the file that holds blob ``key``."""
        check_key(key)
        return self.root / key[:2] / key

    def write(self, chunks: Iterable[bytes], *, key: str | None = None) -> StoredBlob:
        """Write ``chunks`` to a temporary file, fsync it, rename it into place and fsync the directory.

        ``key`` names the blob (a restore puts blobs back under their keys); by default a new random key.
        On any exception (including interruption) the temporary file is removed and nothing is stored.
        """
        self.temporary_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = check_key(key) if key is not None else secrets.token_hex(16)
        temporary = self.temporary_dir / f"{key}.part"
        size = 0
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb", buffering=0) as handle:
                for chunk in chunks:
                    view = memoryview(chunk)
                    while view:
                        written = handle.write(view)
                        view = view[written or 0 :]
                    size += len(chunk)
                os.fsync(handle.fileno())
            final = self.path_of(key)
            final.parent.mkdir(exist_ok=True, mode=0o700)
            temporary.replace(final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync_directory(final.parent)
        _fsync_directory(self.temporary_dir)
        return StoredBlob(key=key, size=size)

    def open(self, key: str) -> BinaryIO:
        """Open blob ``key`` for reading (raise BlobNotFound if absent)."""
        try:
            return self.path_of(key).open("rb", buffering=READ_BUFFER_BYTES)
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def delete(self, key: str) -> bool:
        """Delete blob ``key``; return False if it was not there."""
        path = self.path_of(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_directory(path.parent)
        return True

    def keys(self, *, older_than_seconds: float = 0) -> Iterator[str]:
        """Yield the keys of stored blobs whose file is older than ``older_than_seconds``."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - older_than_seconds
        for directory in sorted(self.root.iterdir()):
            if not directory.is_dir() or len(directory.name) != 2 or directory == self.temporary_dir:
                continue
            for entry in sorted(directory.iterdir()):
                if _KEY.fullmatch(entry.name) and entry.stat().st_mtime <= cutoff:
                    yield entry.name

    def sweep_temporary(self, *, older_than_seconds: float) -> int:
        """Remove temporary files of interrupted writes older than ``older_than_seconds``."""
        if not self.temporary_dir.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in self.temporary_dir.iterdir():
            if entry.name.endswith(".part") and entry.stat().st_mtime <= cutoff:
                entry.unlink(missing_ok=True)
                removed += 1
        return removed


LOCAL = "local"
S3 = "s3"
BACKENDS = (LOCAL, S3)


@cache
def _s3_store(config: S3Settings) -> BlobStore:
    from chancery.vault.blobs_s3 import S3BlobStore

    return S3BlobStore(config)


def s3_settings() -> S3Settings:
    """Return the ``VAULT_S3_*`` settings (whether or not S3 is selected)."""
    from django.conf import settings

    return S3Settings(
        bucket=settings.VAULT_S3_BUCKET,
        prefix=settings.VAULT_S3_PREFIX,
        endpoint_url=settings.VAULT_S3_ENDPOINT_URL,
        region=settings.VAULT_S3_REGION,
        access_key_id=settings.VAULT_S3_ACCESS_KEY_ID,
        secret_access_key=settings.VAULT_S3_SECRET_ACCESS_KEY,
        ca_bundle=settings.VAULT_S3_CA_BUNDLE,
    )


def blob_store() -> BlobStore:
    """Return the configured blob store: ``VAULT_BLOB_STORE`` ``local`` (``VAULT_BLOB_DIR``) or ``s3``.

    The S3 store is built once per configuration and process (its boto3 connections are per thread).
    """
    from django.conf import settings

    if settings.VAULT_BLOB_STORE == S3:
        return _s3_store(s3_settings())
    return LocalBlobStore(Path(settings.VAULT_BLOB_DIR))
