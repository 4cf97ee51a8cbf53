"""Backup services in-process, on whichever database the suite runs (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, PermissionDenied
from chancery.resilience import services
from chancery.resilience.backup_keys import backup_keys_generate
from chancery.resilience.tasks import backup_scheduled
from tests.conftest import actor_of
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system(purpose="test")


@pytest.fixture
def backup_keys(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_PUBLIC_KEY_FILE = tmp_path / "keys" / "public.json"
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    private = tmp_path / "offline" / "private.json"
    backup_keys_generate(private_path=private, public_path=settings.BACKUP_PUBLIC_KEY_FILE)
    return private


def test_create_then_verify_holds_database_blobs_and_keys(desk_officer: User, backup_keys: Path) -> None:
    upload(actor_of(desk_officer), b"first document")
    upload(actor_of(desk_officer), b"second document")
    result = services.backup_create(actor=SYSTEM)
    assert result.blobs == 2
    assert result.key_files >= 1
    assert result.path.stat().st_mode & 0o077 == 0
    assert not list(result.path.parent.glob("*.part"))
    report = services.backup_verify(path=result.path, private_key_file=backup_keys)
    assert report.blobs == 2
    assert report.members == 1 + 2 + result.key_files
    assert AuditEvent.objects.filter(action="resilience.backup_created").count() == 1


def test_a_damaged_archive_is_reported_not_trusted(backup_keys: Path) -> None:
    result = services.backup_create(actor=SYSTEM)
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0x40
    result.path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="damaged"):
        services.backup_verify(path=result.path, private_key_file=backup_keys)
    result.path.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(InvalidInput):
        services.backup_verify(path=result.path, private_key_file=backup_keys)


def test_an_archive_for_another_key_is_refused(backup_keys: Path, tmp_path: Path) -> None:
    result = services.backup_create(actor=SYSTEM)
    other = tmp_path / "other-private.json"
    backup_keys_generate(private_path=other, public_path=tmp_path / "other-public.json")
    with pytest.raises(InvalidInput, match="encrypted to backup key"):
        services.backup_verify(path=result.path, private_key_file=other)


def test_restore_refuses_a_non_empty_instance_without_force(desk_officer: User, backup_keys: Path) -> None:
    result = services.backup_create(actor=SYSTEM)
    with pytest.raises(Conflict, match="not empty"):
        services.backup_restore(path=result.path, private_key_file=backup_keys)


def test_only_administrators_and_the_system_take_backups(desk_officer: User, backup_keys: Path) -> None:
    with pytest.raises(PermissionDenied):
        services.backup_create(actor=actor_of(desk_officer))


def test_without_a_public_key_the_error_says_so(settings: Any, tmp_path: Path) -> None:
    settings.BACKUP_PUBLIC_KEY_FILE = tmp_path / "missing.json"
    with pytest.raises(InvalidInput, match="no backup key"):
        services.backup_create(actor=SYSTEM, directory=tmp_path)
    assert backup_scheduled.call() is None  # the scheduled job skips instead of failing


def test_the_scheduled_backup_prunes_to_the_configured_count(settings: Any, backup_keys: Path) -> None:
    settings.BACKUP_KEEP = 2
    names = [backup_scheduled.call() for _ in range(3)]
    kept = sorted(p.name for p in Path(settings.BACKUP_DIR).glob("*.chancery-backup"))
    assert kept == sorted(names[1:])
    with pytest.raises(InvalidInput):
        services.backups_prune(actor=SYSTEM, keep=0)
