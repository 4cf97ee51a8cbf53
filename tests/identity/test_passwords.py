"""Password rules after NIST SP 800-63B, and argon2id hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.config import settings as project_settings
from chancery.identity.models import User
from tests.factories import TEST_PASSWORD
from tests.identity.conftest import sign_in_password


def codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list if e.code}
    return set()


def test_argon2id_is_the_first_hasher_in_the_real_settings() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Argon2PasswordHasher().encode("x" * 12, "saltsaltsalt").startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    "password",
    [
        "jesuslovesme",  # Django's common list
        "1qa2ws3ed4rf5tg",  # breached list only (zxcvbn/Burnett), not in Django's
        "anhyeuem123456",  # Vietnamese list
        "BongoaiGiao@123",  # context-specific word, any case
        "  matkhau123456  ",
    ],
)
def test_common_breached_and_context_passwords_are_refused(password: str) -> None:
    assert "password_breached" in codes(password) or "password_too_common" in codes(password)


def test_short_password_is_refused() -> None:
    assert "password_too_short" in codes("k7#Qv2!x")


def test_long_all_lowercase_passphrase_is_accepted_without_composition_rules() -> None:
    assert codes("quiet harbour lantern ledger") == set()
    assert codes("amberfoxriverstone") == set()  # 18 lower-case letters: no digit or symbol demanded


def test_passphrase_up_to_128_characters_is_accepted_and_longer_refused() -> None:
    assert codes("ab cd " * 21 + "xy") == set()  # 128 characters
    assert "password_too_long" in codes("a" * 129)


@pytest.mark.django_db
def test_password_change_page_enforces_rules_and_audits(client: Client, desk_officer: User) -> None:
    sign_in_password(client, "desk")
    refused = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": "anhyeuem123456", "password2": "anhyeuem123456"},
    )
    assert refused.status_code == 200
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not AuditEvent.objects.filter(action="identity.password_changed").exists()
    accepted = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "quiet harbour lantern ledger",
            "password2": "quiet harbour lantern ledger",
        },
    )
    assert accepted.status_code == 302
    desk_officer.refresh_from_db()
    assert desk_officer.check_password("quiet harbour lantern ledger")
    event = AuditEvent.objects.get(action="identity.password_changed")
    assert event.object_id == str(desk_officer.pk)
    assert "lantern" not in str(event.detail)
