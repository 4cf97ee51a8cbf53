"""``chancery check``: the deployment checklist's pass and fail cases, through the CLI's exit codes."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import override_settings

from chancery import cli
from chancery.identity.enums import Role
from chancery.platform import deployment
from chancery.platform.deployment import deployment_checklist
from chancery.resilience.backup_keys import backup_keys_generate
from tests.conftest import enable_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_KEY = "k3Y-" + "".join(chr(ord("a") + (index * 7) % 26) for index in range(60))


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings that pass every check (the test database is in memory, so WAL mode is simulated)."""
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o700)
    var_dir.chmod(0o700)
    monkeypatch.setattr(deployment, "sqlite_journal_mode", lambda: "wal")
    backup_public = var_dir / "backup-keys" / "backup-public.json"
    backup_keys_generate(private_path=tmp_path / "offline" / "backup-private.json", public_path=backup_public)
    with override_settings(
        BACKUP_PUBLIC_KEY_FILE=backup_public,
        DEBUG=False,
        SECRET_KEY=GOOD_KEY,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_SSL_REDIRECT=True,
        ALLOWED_HOSTS=["chancery.mofa.example"],
        VAR_DIR=var_dir,
        MAILERS={
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "smtp.mofa.example", "use_tls": True},
            },
        },
    ):
        yield var_dir


def test_check_fails_without_a_backup_key_or_with_the_private_key_beside_it(production: Path) -> None:
    assert _item("Backups").passed
    stray = production / "backup-keys" / "backup-private.json"
    stray.write_text("{}")
    assert "offline" in _item("Backups").detail
    assert not _item("Backups").passed
    with override_settings(BACKUP_PUBLIC_KEY_FILE=production / "missing.json"):
        assert "chancery backup keygen" in _item("Backups").detail
    stray.unlink()
    with override_settings(BACKUP_INTERVAL_HOURS=0):
        assert not _item("Backups").passed


def _item(name: str) -> deployment.CheckItem:
    return next(item for item in deployment_checklist() if item.name == name)


def test_check_fails_while_mail_only_goes_to_files(production: Path) -> None:
    file_mail = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(production / "mail")},
        }
    }
    with override_settings(MAILERS=file_mail):
        item = _item("Django deployment checks")
        assert not item.passed
        assert "mail.E001" in item.detail


def test_check_passes_with_production_settings(production: Path, capsys: pytest.CaptureFixture[str]) -> None:
    failing = [item for item in deployment_checklist() if not item.passed]
    assert failing == []
    assert cli.main(["check"]) == 0
    output = capsys.readouterr().out
    assert "PASS" in output
    assert "FAIL" not in output


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"DEBUG": True}, "Debug mode off"),
        ({"SECRET_KEY": "short-key"}, "Secret key"),
        ({"SECRET_KEY": "chancery-insecure-secret-key-unset"}, "Secret key"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "Secret key"),
        ({"SESSION_COOKIE_SECURE": False}, "Secure cookies"),
        ({"CSRF_COOKIE_SECURE": False}, "Secure cookies"),
        ({"SECURE_HSTS_SECONDS": 0}, "HSTS"),
        ({"SECURE_HSTS_SECONDS": 3600}, "HSTS"),
        ({"ALLOWED_HOSTS": ["*"]}, "Allowed hosts"),
        ({"ALLOWED_HOSTS": []}, "Allowed hosts"),
        ({"SECURE_SSL_REDIRECT": False}, "Django deployment checks"),
    ],
)
def test_check_fails_on_each_unsafe_setting(production: Path, overrides: dict[str, Any], name: str) -> None:
    with override_settings(**overrides):
        item = _item(name)
        assert not item.passed
        assert item.detail
        assert cli.main(["check"]) == 1


def test_check_fails_without_wal(production: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    monkeypatch.setattr(deployment, "sqlite_journal_mode", lambda: "delete")
    if connection.vendor != "sqlite":  # the PostgreSQL pass: the item says so and passes
        assert _item("SQLite WAL mode").detail == f"Not applicable ({connection.vendor})."
        return
    assert not _item("SQLite WAL mode").passed
    assert cli.main(["check"]) == 1


def test_check_fails_when_a_privileged_account_lacks_mfa(production: Path) -> None:
    officer = UserFactory(username="secoff2", role=Role.SECURITY_OFFICER)
    item = _item("MFA for privileged accounts")
    assert not item.passed
    assert "secoff2" in item.detail
    assert cli.main(["check"]) == 1
    enable_totp(officer)
    assert _item("MFA for privileged accounts").passed
    UserFactory(username="root", role=Role.DESK_OFFICER, is_superuser=True)
    assert "root" in _item("MFA for privileged accounts").detail
    UserFactory(username="plain", role=Role.DESK_OFFICER)  # no MFA needed for this check
    assert "plain" not in _item("MFA for privileged accounts").detail


def test_check_fails_when_var_is_world_readable(production: Path) -> None:
    production.chmod(0o755)
    item = _item("var/ permissions")
    assert not item.passed
    assert "0755" in item.detail
    assert cli.main(["check"]) == 1
    production.chmod(0o750)
    assert stat.S_IMODE(production.stat().st_mode) == 0o750
    assert _item("var/ permissions").passed


def test_unreachable_database_fails_every_database_check(production: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        items = {item.name: item for item in deployment_checklist()}
    assert not items["Database reachable"].passed
    assert "connection refused" in items["Database reachable"].detail
    for name in ("Migrations applied", "SQLite WAL mode", "MFA for privileged accounts"):
        assert not items[name].passed
        assert "unreachable" in items[name].detail


def test_a_check_that_crashes_is_reported_not_raised(production: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> deployment.CheckItem:
        raise RuntimeError("boom")

    monkeypatch.setattr(deployment, "CHECKS", (("Broken check", broken, False), *deployment.CHECKS))
    item = _item("Broken check")
    assert not item.passed
    assert "RuntimeError" in item.detail
    assert cli.main(["check"]) == 1
