"""``chancery demo --no-serve`` and ``chancery serve`` refusals, run as real processes.

Each process gets its own ``CHANCERY_VAR_DIR`` and none of the caller's ``CHANCERY_*`` variables.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TIMEOUT = 300
STRONG_KEY = "s3cr3t-" + "".join(chr(ord("a") + (index * 11) % 26) for index in range(60))


def run(*args: str, var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("CHANCERY_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"CHANCERY_VAR_DIR": str(var_dir), "COLUMNS": "200", **env})
    return subprocess.run(
        [sys.executable, "-m", "chancery", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_demo_no_serve_seeds_and_is_idempotent(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    first = run("demo", "--no-serve", var_dir=var_dir)
    assert first.returncode == 0, first.stderr[-2000:]
    credentials_file = var_dir / "demo-credentials.json"
    database = var_dir / "chancery.sqlite3"
    assert credentials_file.is_file()
    assert database.is_file()
    assert oct(credentials_file.stat().st_mode & 0o777) == oct(0o600)
    first_credentials = json.loads(credentials_file.read_text(encoding="utf-8"))
    for row in first_credentials:
        assert row["password"] in first.stdout  # the logins are printed
    with sqlite3.connect(database) as connection:
        counts = [
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("identity_user", "missions_organisation", "missions_postreport", "mfa_authenticator")
        ]
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert counts[0] == len(first_credentials)
    assert counts[1] >= 15

    second = run("demo", "--no-serve", var_dir=var_dir)
    assert second.returncode == 0, second.stderr[-2000:]
    assert json.loads(credentials_file.read_text(encoding="utf-8")) == first_credentials
    with sqlite3.connect(database) as connection:
        again = [
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("identity_user", "missions_organisation", "missions_postreport", "mfa_authenticator")
        ]
    assert again == counts

    # The demo database runs in WAL mode with every migration applied; the demo's own settings are not
    # production settings, so `chancery check` as a whole fails, naming what to fix.
    check = run("check", var_dir=var_dir)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert any("SQLite WAL mode" in line and "PASS" in line for line in lines), check.stdout
    assert any("Migrations applied" in line and "PASS" in line for line in lines), check.stdout
    assert any("var/ permissions" in line and "PASS" in line for line in lines), check.stdout


def test_check_reports_pending_migrations_on_a_fresh_database(tmp_path: Path) -> None:
    result = run("check", var_dir=tmp_path / "var")
    assert result.returncode == 1
    assert any("Migrations applied" in line and "FAIL" in line for line in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"CHANCERY_DEBUG": "1", "CHANCERY_SECRET_KEY": STRONG_KEY}, "CHANCERY_DEBUG"),
        ({}, "CHANCERY_SECRET_KEY"),  # no variable and no var/secret-key file
        ({"CHANCERY_SECRET_KEY": "too-short"}, "CHANCERY_SECRET_KEY"),
        ({"CHANCERY_SECRET_KEY": STRONG_KEY, "CHANCERY_SECURE_COOKIES": "0"}, "Secure"),
    ],
)
def test_serve_refuses_unsafe_settings_before_binding(tmp_path: Path, env: dict[str, str], reason: str) -> None:
    # Exit status 2 is the refusal's own: had the command gone on to start uvicorn it would block serving
    # (until the timeout fails the test) or exit 1 on a bind error, never 2.
    result = run("serve", "--port", "8765", var_dir=tmp_path / "var", **env)
    assert result.returncode == 2
    assert "Refusing to start" in result.stderr
    assert reason in result.stderr
