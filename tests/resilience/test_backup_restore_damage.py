"""Restore from a damaged archive changes nothing; ``force`` restores over a live instance; the job is scheduled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput
from chancery.platform.schedule.registry import periodics
from chancery.resilience import services
from chancery.resilience.backup_keys import backup_keys_generate
from chancery.resilience.tasks import backup_scheduled
from chancery.vault.models import Document
from tests.conftest import actor_of
from tests.vault.helpers import download, upload

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system(purpose="test")


@pytest.fixture
def instance(settings: Any, tmp_path: Path) -> Path:
    """Keep every file the backup reads or restores (keys, blobs, staging) under ``tmp_path``."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret-key").write_text("secret key of the instance at backup time")
    settings.TLOG_KEY_DIR = tmp_path / "var" / "tlog"
    settings.TLOG_KEY_DIR.mkdir()
    (settings.TLOG_KEY_DIR / "signing.key").write_bytes(b"tlog signing key at backup time")
    settings.VAULT_KEYRING_FILE = tmp_path / "var" / "keyring.json"
    settings.VAULT_BLOB_DIR = tmp_path / "blobs"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_PUBLIC_KEY_FILE = tmp_path / "keys" / "public.json"
    private = tmp_path / "offline" / "private.json"
    backup_keys_generate(private_path=private, public_path=settings.BACKUP_PUBLIC_KEY_FILE)
    return private


def _state(settings: Any) -> dict[str, object]:
    """Everything a restore could change: rows, key files and blobs (path and bytes)."""
    var = Path(settings.VAR_DIR)
    key_files = [var / "secret-key", Path(settings.VAULT_KEYRING_FILE), *sorted(Path(settings.TLOG_KEY_DIR).iterdir())]
    blob_root = Path(settings.VAULT_BLOB_DIR)
    return {
        "users": sorted(User.objects.values_list("pk", "username")),
        "documents": sorted(Document.objects.values_list("pk", "title_en")),
        "audit": AuditEvent.objects.count(),
        "keys": {str(path): path.read_bytes() for path in key_files},
        "blobs": {str(p.relative_to(blob_root)): p.read_bytes() for p in sorted(blob_root.rglob("*")) if p.is_file()},
    }


def _after_backup_the_instance_moves_on(settings: Any, desk_officer: User) -> None:
    upload(actor_of(desk_officer), b"written after the backup", title_en="Later note")
    (Path(settings.VAR_DIR) / "secret-key").write_text("secret key changed after the backup")


def _flipped(data: bytes, at: int) -> bytes:
    damaged = bytearray(data)
    damaged[at] ^= 0x01
    return bytes(damaged)


def test_restoring_a_damaged_archive_fails_cleanly_and_changes_nothing(
    settings: Any, desk_officer: User, instance: Path
) -> None:
    upload(actor_of(desk_officer), b"in the backup", title_en="Earlier note")
    archive = services.backup_create(actor=SYSTEM).path
    good = archive.read_bytes()
    _after_backup_the_instance_moves_on(settings, desk_officer)
    before = _state(settings)
    damages = {
        "flipped in the middle": _flipped(good, len(good) // 2),
        "flipped near the end": _flipped(good, len(good) - 5),
        "truncated to a third": good[: len(good) // 3],
        "one byte short": good[:-1],
    }
    for damage, data in damages.items():
        archive.write_bytes(data)
        with pytest.raises(InvalidInput) as refused:
            services.backup_restore(path=archive, private_key_file=instance, force=True)
        assert "archive" in refused.value.errors, damage
        assert _state(settings) == before, damage
    assert not list((Path(settings.VAR_DIR) / "tmp").glob("backup-*"))  # staging removed every time


def test_restore_with_force_replaces_a_non_empty_instance_and_without_it_is_refused(
    settings: Any, desk_officer: User, instance: Path
) -> None:
    kept = upload(actor_of(desk_officer), b"in the backup", title_en="Earlier note")
    archive = services.backup_create(actor=SYSTEM).path
    at_backup = _state(settings)
    _after_backup_the_instance_moves_on(settings, desk_officer)
    moved_on = _state(settings)

    with pytest.raises(Conflict, match="not empty"):
        services.backup_restore(path=archive, private_key_file=instance)
    assert _state(settings) == moved_on

    report = services.backup_restore(path=archive, private_key_file=instance, force=True)
    assert report.blobs == 1
    restored = _state(settings)
    assert restored["documents"] == at_backup["documents"] == [(kept.pk, "Earlier note")]
    assert restored["users"] == at_backup["users"]
    assert restored["keys"] == at_backup["keys"]  # the changed secret key is replaced by the archive's
    assert AuditEvent.objects.filter(action="resilience.backup_restored").count() == 1
    assert download(actor_of(User.objects.get(pk=desk_officer.pk)), Document.objects.get(pk=kept.pk)) == (
        b"in the backup"
    )


def test_the_scheduled_backup_is_a_registered_periodic_job(settings: Any) -> None:
    [job] = [job for job in periodics() if job.name == "resilience.backup"]
    assert job.task is backup_scheduled
    assert job.every == timedelta(hours=settings.BACKUP_INTERVAL_HOURS)
