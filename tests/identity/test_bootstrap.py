"""``chancery admin create``: the first administrator, with TOTP and recovery codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from chancery import cli
from chancery.audit.models import AuditEvent
from chancery.identity import recovery
from chancery.identity.bootstrap import administrator_bootstrap
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_cli_creates_an_administrator_with_mfa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text("a long administrator passphrase\n", encoding="utf-8")
    status = cli.main(
        [
            "admin",
            "create",
            "--username",
            "chief",
            "--email",
            "chief@example.org",
            "--password-file",
            str(password_file),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    user = User.objects.get(username="chief")
    assert user.role == Role.ADMINISTRATOR
    assert user.clearance == Classification.TOP_SECRET
    assert user.is_staff
    assert user.is_superuser
    assert user.check_password("a long administrator passphrase")
    assert not user.password_change_required  # the operator chose it
    assert "Password:" not in out  # nothing generated, nothing printed
    assert "otpauth://totp/" in out
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert AuditEvent.objects.get(action="identity.administrator_created").object_id == str(user.pk)


def test_generated_password_totp_and_codes_work() -> None:
    result = administrator_bootstrap(username="chief", email="")
    user = User.objects.get(username="chief")
    assert result.generated_password
    assert user.check_password(result.generated_password)
    assert result.totp_uri.startswith("otpauth://totp/")
    assert f"secret={result.totp_secret}" in result.totp_uri
    assert "issuer=Chancery" in result.totp_uri
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert result.totp_secret not in stored
    row = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert len(result.recovery_codes) >= 10
    assert "seed" not in row.data
    assert not any(code in str(row.data) for code in result.recovery_codes)  # only salted hashes are stored
    assert recovery.code_use(authenticator=row, code=result.recovery_codes[0])
    assert user.password_change_required  # a generated password is one-time
    assert user.temporary_password_expires_at is not None


def test_existing_username_is_refused_and_nothing_changes() -> None:
    administrator_bootstrap(username="chief")
    with pytest.raises(Conflict):
        administrator_bootstrap(username="Chief")
    assert User.objects.count() == 1
    assert AuditEvent.objects.filter(action="identity.administrator_created").count() == 1


def test_weak_password_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(InvalidInput):
        administrator_bootstrap(username="chief", password="matkhau123456")
    assert not User.objects.exists()
    assert not Authenticator.objects.exists()
