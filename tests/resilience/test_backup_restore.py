"""A backup of the demo, restored on an empty instance, verifies its log and serves the same documents.

Runs the real command line in subprocesses, each instance with its own var/ directory and its own
database: a SQLite file, or (when the suite runs on PostgreSQL) a fresh PostgreSQL database each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SUITE_DATABASE = os.environ.get("CHANCERY_DATABASE_URL", "")


def _database_for(var: Path) -> str | None:
    """A fresh PostgreSQL database for this instance when the suite runs on PostgreSQL, else None."""
    if not SUITE_DATABASE.startswith("postgres"):
        return None
    import psycopg

    base, _, _name = SUITE_DATABASE.rpartition("/")
    name = f"chancery_backup_{var.name}_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


DIGESTS = """
import hashlib, json
from django.utils import timezone
from chancery.platform.actor import Actor
from chancery.vault import services
from chancery.vault.models import Document
actor = Actor.system(purpose="backup-test")
out = {}
for document in Document.objects.order_by("pk"):
    got = services.document_download(actor=actor, document_id=document.pk, mfa_verified_at=timezone.now())
    out[str(document.pk)] = hashlib.sha256(b"".join(got.chunks)).hexdigest()
print(json.dumps(out))
"""


DATABASES: dict[Path, str | None] = {}


def _chancery(var: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    if var not in DATABASES:
        DATABASES[var] = _database_for(var)
    if DATABASES[var]:
        env["CHANCERY_DATABASE_URL"] = str(DATABASES[var])
    env.update(
        CHANCERY_VAR_DIR=str(var),
        CHANCERY_BACKUP_PUBLIC_KEY_FILE=str(var.parent / "keys" / "public.json"),
        DJANGO_SETTINGS_MODULE="chancery.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "chancery", *args],
        env=env,
        cwd=var.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"chancery {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _digests(var: Path) -> dict[str, str]:
    result = _chancery(var, "manage", "shell", "-c", DIGESTS)
    digests: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return digests


def test_the_demo_restores_on_an_empty_instance(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    _chancery(source, "demo", "--no-serve", "--witness-port", "0")
    private = source / "backup-offline" / "backup-private.json"  # the demo made the key pair
    assert private.is_file()
    assert _chancery(source, "backup", "keygen", check=False).returncode == 1  # never overwritten
    _chancery(source, "tlog", "publish")
    created = _chancery(source, "backup", "create", "--dir", str(tmp_path / "backups"))
    [archive] = list((tmp_path / "backups").glob("*.chancery-backup"))
    assert archive.name in created.stderr.replace("\n", "")
    verified = _chancery(source, "backup", "verify", str(archive), "--key", str(private))
    assert "OK:" in verified.stderr
    before = _digests(source)
    assert len(before) >= 3

    restored = _chancery(target, "backup", "restore", str(archive), "--key", str(private))
    assert "Restored" in restored.stderr
    log = _chancery(target, "tlog", "verify")
    assert "verified" in log.stdout + log.stderr
    assert "0 checkpoints" not in log.stdout + log.stderr
    assert _digests(target) == before
    assert (target / "vault" / "keyring.json").stat().st_mode & 0o077 == 0

    again = _chancery(target, "backup", "restore", str(archive), "--key", str(private), check=False)
    assert again.returncode == 1
    assert "not empty" in again.stderr
