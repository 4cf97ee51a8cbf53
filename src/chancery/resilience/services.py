"""Backup and restore of a whole instance: database, blob store and the key material it needs."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import transaction

from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput
from chancery.resilience.archive import ArchiveError, ArchiveWriter, Member, header_read, members_read
from chancery.resilience.backup_keys import BackupKeyError, backup_private_key_load, backup_public_key_load
from chancery.resilience.snapshot import (
    database_is_empty,
    database_restore,
    database_snapshot,
    database_vendor,
)
from chancery.vault.blobs import blob_store

SUFFIX = ".chancery-backup"
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class KeyFile:
    """A file of key material the instance needs, and its name in the archive."""

    member: str
    path: Path


def _key_files() -> list[KeyFile]:
    files = []
    keyring = Path(settings.VAULT_KEYRING_FILE)
    if keyring.is_file():
        files.append(KeyFile("keys/vault-keyring.json", keyring))
    tlog = Path(settings.TLOG_KEY_DIR)
    if tlog.is_dir():
        files += [KeyFile(f"keys/tlog/{p.name}", p) for p in sorted(tlog.iterdir()) if p.is_file()]
    secret = Path(settings.VAR_DIR) / "secret-key"
    if secret.is_file():
        files.append(KeyFile("keys/secret-key", secret))
    return files


def _key_destination(member: str) -> Path | None:
    if member == "keys/vault-keyring.json":
        return Path(settings.VAULT_KEYRING_FILE)
    if member == "keys/secret-key":
        return Path(settings.VAR_DIR) / "secret-key"
    if member.startswith("keys/tlog/") and member.count("/") == 2:
        return Path(settings.TLOG_KEY_DIR) / member.rsplit("/", 1)[1]
    return None


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What ``backup_create`` wrote."""

    path: Path
    size: int
    blobs: int
    key_files: int
    vendor: str


def _blob_reader(store: Any, key: str) -> tuple[IO[bytes], int]:
    handle = store.open(key)
    try:
        return handle, os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned to the caller)
        with handle:
            shutil.copyfileobj(handle, spool)
        size = spool.tell()
        spool.seek(0)
        return spool, size


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(1024 * 1024):
        yield chunk


def _private_tmp() -> Path:
    root = Path(settings.VAR_DIR) / "tmp"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(tempfile.mkdtemp(prefix="backup-", dir=root))


def backup_create(*, actor: Actor, directory: Path | None = None, public_key_file: Path | None = None) -> BackupResult:
    """Write one encrypted archive of the database, the blob store and the key files; return what it wrote.

    Needs ``resilience.backup``. The archive is encrypted to the backup public key
    (``BACKUP_PUBLIC_KEY_FILE``) and streamed to ``<directory>/chancery-<UTC time>.chancery-backup`` through
    a temporary file that is fsynced and renamed, so a crash never leaves a file that looks complete.
    Raises InvalidInput when no backup key is configured. Emits ``resilience.backup_created``.
    """
    access.require(actor, "resilience.backup")
    try:
        public = backup_public_key_load(Path(public_key_file or settings.BACKUP_PUBLIC_KEY_FILE))
    except BackupKeyError as exc:
        raise InvalidInput(str(exc), errors={"public_key": [str(exc)]}) from None
    target_dir = Path(directory or settings.BACKUP_DIR)
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = target_dir / f"chancery-{stamp}{SUFFIX}"
    partial = final.with_name(final.name + ".part")
    workdir = _private_tmp()
    store = blob_store()
    blobs = 0
    try:
        member, snapshot = database_snapshot(workdir)
        meta = {
            "created_at": stamp,
            "vendor": database_vendor(),
            "secret_key_from_environment": not any(f.member == "keys/secret-key" for f in _key_files()),
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            writer = ArchiveWriter(out=out, public_key=public, meta=meta)
            with snapshot.open("rb") as handle:
                writer.add_stream(member, handle, snapshot.stat().st_size)
            snapshot.unlink()
            for key in store.keys(older_than_seconds=0):
                reader, size = _blob_reader(store, key)
                with reader:
                    writer.add_stream(f"blobs/{key}", reader, size)
                blobs += 1
            key_files = _key_files()
            for key_file in key_files:
                with key_file.path.open("rb") as handle:
                    writer.add_stream(key_file.member, handle, key_file.path.stat().st_size)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = BackupResult(
        path=final, size=final.stat().st_size, blobs=blobs, key_files=len(key_files), vendor=str(meta["vendor"])
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="resilience.backup_created",
            object_type="resilience.backup",
            object_id=final.name,
            detail={"size": result.size, "blobs": blobs, "key_files": result.key_files},
        )
    return result


def backups_prune(*, actor: Actor, keep: int | None = None, directory: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` archives (``BACKUP_KEEP``) in the backup directory; return them.

    Needs ``resilience.backup``. Only complete archives (named by ``backup_create``) are considered.
    """
    access.require(actor, "resilience.backup")
    count = settings.BACKUP_KEEP if keep is None else keep
    if count < 1:
        raise InvalidInput("keep at least one backup", errors={"keep": ["keep at least one backup"]})
    folder = Path(directory or settings.BACKUP_DIR)
    archives = sorted(folder.glob(f"chancery-*{SUFFIX}")) if folder.is_dir() else []
    doomed = archives[:-count]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """An archive that decrypted and matched its manifest."""

    created_at: str
    vendor: str
    members: int
    blobs: int
    bytes: int


def _open(path: Path, private_key_file: Path) -> tuple[BinaryIO, dict[str, Any], Iterator[Member]]:
    try:
        private = backup_private_key_load(private_key_file)
    except BackupKeyError as exc:
        raise InvalidInput(str(exc), errors={"private_key": [str(exc)]}) from None
    try:
        source = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", errors={"archive": [str(exc)]}) from None
    try:
        header, members = members_read(source, private)
    except ArchiveError as exc:
        source.close()
        raise InvalidInput(str(exc), errors={"archive": [str(exc)]}) from None
    return source, header, members


def backup_verify(*, path: Path, private_key_file: Path) -> VerifyReport:
    """Decrypt ``path`` end to end and check every member against its manifest, restoring nothing.

    Needs the offline private key (no actor: it touches no instance). Raises InvalidInput naming what is
    wrong: not an archive, another key, a damaged or truncated archive, a manifest mismatch.
    """
    source, header, members = _open(path, private_key_file)
    count = blobs = total = 0
    with source:
        try:
            for member in members:
                count += 1
                blobs += member.name.startswith("blobs/")
                total += member.size
        except ArchiveError as exc:
            raise InvalidInput(str(exc), errors={"archive": [str(exc)]}) from None
    return VerifyReport(
        created_at=str(header.get("created_at", "")),
        vendor=str(header.get("vendor", "")),
        members=count,
        blobs=blobs,
        bytes=total,
    )


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What ``backup_restore`` put in place."""

    vendor: str
    blobs: int
    key_files: int
    created_at: str


def _stage(
    members: Iterator[Member], staging: Path
) -> tuple[str, Path, list[tuple[str, Path]], list[tuple[str, Path]]]:
    database: tuple[str, Path] | None = None
    blobs: list[tuple[str, Path]] = []
    keys: list[tuple[str, Path]] = []
    for index, member in enumerate(members):
        staged = staging / f"{index:08d}"
        with staged.open("wb") as handle:
            shutil.copyfileobj(member.reader, handle, 1024 * 1024)
        if member.name.startswith("database/"):
            database = (member.name, staged)
        elif member.name.startswith("blobs/"):
            blobs.append((member.name.removeprefix("blobs/"), staged))
        elif _key_destination(member.name) is not None:
            keys.append((member.name, staged))
        else:
            msg = f"the archive holds an unexpected member {member.name!r}"
            raise ArchiveError(msg)
    if database is None:
        msg = "the archive holds no database"
        raise ArchiveError(msg)
    return database[0], database[1], blobs, keys


def backup_restore(*, path: Path, private_key_file: Path, force: bool = False) -> RestoreReport:
    """Rebuild this instance from an archive: database, blobs and key files.

    Runs from the command line on a stopped instance (no actor: there may be no users yet). Everything
    is decrypted and checked against the manifest into a private staging directory first, so a damaged
    archive changes nothing. Refuses a non-empty instance, or key files that differ from the archive's,
    unless ``force``. Raises InvalidInput or Conflict with the reason. Emits ``resilience.backup_restored``
    into the restored database.
    """
    header_check = path.open("rb") if path.is_file() else None
    if header_check is None:
        raise InvalidInput(f"no archive at {path}", errors={"archive": [f"no archive at {path}"]})
    with header_check:
        try:
            vendor = str(header_read(header_check).get("vendor"))
        except ArchiveError as exc:
            raise InvalidInput(str(exc), errors={"archive": [str(exc)]}) from None
    if vendor != database_vendor():
        msg = f"the archive holds a {vendor} database; this instance runs {database_vendor()}"
        raise InvalidInput(msg, errors={"archive": [msg]})
    if not force and not database_is_empty():
        msg = "this instance is not empty; restore into an empty instance or pass --force"
        raise Conflict(msg)
    source, header, members = _open(path, private_key_file)
    staging = _private_tmp()
    try:
        with source:
            try:
                member, snapshot, blobs, keys = _stage(members, staging)
            except ArchiveError as exc:
                raise InvalidInput(str(exc), errors={"archive": [str(exc)]}) from None
        for name, staged in keys:
            destination = _key_destination(name)
            assert destination is not None
            if destination.exists() and destination.read_bytes() != staged.read_bytes() and not force:
                msg = f"{destination} exists and differs from the archive's; pass --force to replace it"
                raise Conflict(msg)
        try:
            database_restore(member, snapshot)
        except ArchiveError as exc:
            raise InvalidInput(str(exc), errors={"archive": [str(exc)]}) from None
        for name, staged in keys:
            destination = _key_destination(name)
            assert destination is not None
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            staged.chmod(0o600)
            shutil.move(staged, destination)
        store = blob_store()
        for key, staged in blobs:
            with staged.open("rb") as handle:
                store.write(_file_chunks(handle), key=key)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report = RestoreReport(
        vendor=vendor, blobs=len(blobs), key_files=len(keys), created_at=str(header.get("created_at"))
    )
    with transaction.atomic():
        audit_record(
            actor=Actor.system(purpose="backup-restore"),
            action="resilience.backup_restored",
            object_type="resilience.backup",
            object_id=path.name,
            detail={"blobs": report.blobs, "key_files": report.key_files, "created_at": report.created_at},
        )
    return report
