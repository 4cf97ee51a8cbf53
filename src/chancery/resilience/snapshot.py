"""Consistent database snapshots and their restoration, per vendor (SQLite's backup API, pg_dump)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from chancery.resilience.archive import ArchiveError

SQLITE_MEMBER = "database/sqlite.sqlite3"
POSTGRESQL_MEMBER = "database/postgresql.dump"


class SnapshotError(Exception):
    """The database could not be snapshotted or restored (the message says why)."""


def _settings() -> dict[str, Any]:
    return dict(connections["default"].settings_dict)


def database_vendor() -> str:
    """Return ``sqlite`` or ``postgresql`` (the vendors a backup can hold)."""
    vendor = connections["default"].vendor
    if vendor not in {"sqlite", "postgresql"}:
        msg = f"backups support SQLite and PostgreSQL, not {vendor}"
        raise SnapshotError(msg)
    return vendor


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return env


def _pg_target(config: dict[str, Any]) -> list[str]:
    args = ["--dbname", str(config["NAME"])]
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    return args


def database_snapshot(directory: Path) -> tuple[str, Path]:
    """Write a consistent snapshot of the default database into ``directory``; return (member, file).

    SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: ``pg_dump`` in
    custom format, which reads one snapshot of the whole database.
    """
    vendor = database_vendor()
    config = _settings()
    if vendor == "sqlite":
        target = directory / "snapshot.sqlite3"
        source = sqlite3.connect(str(config["NAME"]))
        try:
            with sqlite3.connect(str(target)) as copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return SQLITE_MEMBER, target
    target = directory / "snapshot.dump"
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [*command, *_pg_target(config)], env=_pg_env(config), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        msg = f"pg_dump failed: {result.stderr.strip()[:500]}"
        raise SnapshotError(msg)
    return POSTGRESQL_MEMBER, target


def database_is_empty() -> bool:
    """Return True when the default database holds no users (a fresh instance, safe to restore into)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "identity_user" not in tables:
            return True
        cursor.execute("SELECT COUNT(*) FROM identity_user")
        row = cursor.fetchone()
    return not row or row[0] == 0


def database_restore(member: str, snapshot: Path) -> None:
    """Replace the default database with ``snapshot`` (the vendors must match)."""
    vendor = database_vendor()
    expected = SQLITE_MEMBER if vendor == "sqlite" else POSTGRESQL_MEMBER
    if member != expected:
        msg = f"the archive holds a {member.rsplit('.', maxsplit=1)[-1]} database; this instance runs {vendor}"
        raise ArchiveError(msg)
    config = _settings()
    connections.close_all()
    if vendor == "sqlite":
        database = Path(str(config["NAME"]))
        database.parent.mkdir(parents=True, exist_ok=True)
        staged = database.with_name(database.name + ".restoring")
        with sqlite3.connect(str(snapshot)) as source, sqlite3.connect(str(staged)) as copy:
            source.backup(copy)
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        staged.replace(database)
        return
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [*command, *_pg_target(config), str(snapshot)],
        env=_pg_env(config),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        msg = f"pg_restore failed: {result.stderr.strip()[:500]}"
        raise SnapshotError(msg)
