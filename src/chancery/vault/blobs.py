"""Where sealed blobs live: the local filesystem by default, written atomically and read as streams.

A blob is written to a temporary file under ``<root>/tmp/``, fsynced, renamed into place
(``<root>/<k[0:2]>/<k>``) and the directory fsynced, so a crash leaves either the whole blob or only a
temporary file (which :meth:`LocalBlobStore.sweep_temporary` removes). Blob keys are random hex strings
chosen by the store; any other key is refused, so no caller-supplied name ever reaches a path.

Other back-ends (S3-compatible storage through django-storages) implement :class:`BlobStore`.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


class BlobStore(Protocol):
    """What the vault needs from a blob store."""

    def write(self, chunks: Iterable[bytes]) -> StoredBlob:
        """Store the concatenation of ``chunks`` under a new key, atomically and durably."""
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

    def write(self, chunks: Iterable[bytes]) -> StoredBlob:
        """Write ``chunks`` to a temporary file, fsync it, rename it into place and fsync the directory.

        On any exception (including interruption) the temporary file is removed and nothing is stored.
        """
        self.temporary_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(16)
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


def blob_store() -> BlobStore:
    """Return the configured blob store (``VAULT_BLOB_DIR`` on the local filesystem)."""
    from django.conf import settings

    return LocalBlobStore(Path(settings.VAULT_BLOB_DIR))
