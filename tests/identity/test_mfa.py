"""MFA enforcement, authenticator removal, audit of MFA changes, and encryption of secrets at rest."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client, override_settings

from chancery.audit.models import AuditEvent
from chancery.identity.crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.conftest import current_totp_code, enable_totp
from tests.factories import TEST_PASSWORD, UserFactory
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_user(mission_tokyo) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(
        username="cleared", role=Role.DESK_OFFICER, organisation=mission_tokyo, clearance=Classification.SECRET
    )


def test_secret_cleared_user_without_mfa_is_sent_to_totp_activation(client: Client, secret_user: User) -> None:
    assert secret_user.mfa_required
    sign_in_password(client, "cleared")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/me/security/")["Location"] == "/accounts/2fa/totp/activate/"
    first = client.get("/accounts/2fa/totp/activate/")
    assert first["Location"].startswith("/accounts/reauthenticate/")  # allowed through the enforcement
    assert client.get(first["Location"]).status_code == 200
    reauth = client.post(first["Location"], {"password": TEST_PASSWORD})
    assert reauth.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert 'for="id_code"' in page.content.decode()


def test_activating_totp_through_the_page_lifts_the_redirect_and_is_audited(
    client: Client, secret_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    sign_in_password(client, "cleared")
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=secret_user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200
    audited = set(AuditEvent.objects.filter(actor_id=secret_user.pk).values_list("action", flat=True))
    assert {"identity.mfa_activated", "identity.recovery_codes_generated"} <= audited


def test_internal_desk_officer_is_not_forced(client: Client, desk_officer: User) -> None:
    assert not desk_officer.mfa_required
    sign_in_password(client, "desk")
    assert client.get("/").status_code == 200


def test_enforced_user_cannot_remove_last_authenticator_but_optional_user_can(
    secret_user: User, desk_officer: User
) -> None:
    enable_totp(secret_user)
    enable_totp(desk_officer)
    adapter = get_mfa_adapter()
    totp = Authenticator.objects.get(user=secret_user, type=Authenticator.Type.TOTP)
    assert adapter.can_delete_authenticator(totp) is False
    Authenticator.objects.create(user=secret_user, type=Authenticator.Type.WEBAUTHN, data={"name": "key"})
    assert adapter.can_delete_authenticator(totp) is True
    assert adapter.can_delete_authenticator(Authenticator.objects.get(user=desk_officer)) is True


def test_deactivate_page_refuses_for_enforced_user(client: Client, secret_user: User) -> None:
    secret = enable_totp(secret_user)
    sign_in_password(client, "cleared")
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=secret_user, type=Authenticator.Type.TOTP).exists()
    assert not AuditEvent.objects.filter(action="identity.mfa_deactivated").exists()


def test_totp_secret_and_recovery_seed_are_encrypted_at_rest(desk_officer: User) -> None:
    secret = enable_totp(desk_officer)
    stored = Authenticator.objects.get(user=desk_officer, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != secret
    assert secret not in stored
    assert stored.startswith("v1:")
    assert secret_decrypt(stored) == secret
    codes = RecoveryCodes.activate(desk_officer)
    seed = Authenticator.objects.get(user=desk_officer, type=Authenticator.Type.RECOVERY_CODES).data["seed"]
    assert seed.startswith("v1:")
    assert codes.get_unused_codes() == Authenticator.objects.get(pk=codes.instance.pk).wrap().get_unused_codes()


def test_encrypt_round_trip_uses_fresh_nonces_and_detects_tampering() -> None:
    first, second = secret_encrypt("JBSWY3DPEHPK3PXP"), secret_encrypt("JBSWY3DPEHPK3PXP")
    assert first != second
    assert secret_decrypt(first) == secret_decrypt(second) == "JBSWY3DPEHPK3PXP"
    raw = bytearray(base64.urlsafe_b64decode(first[3:]))
    raw[-1] ^= 1
    with pytest.raises(SecretDecryptionError):
        secret_decrypt("v1:" + base64.urlsafe_b64encode(bytes(raw)).decode())
    with pytest.raises(SecretDecryptionError):
        secret_decrypt("JBSWY3DPEHPK3PXP")
    with pytest.raises(SecretDecryptionError):
        secret_decrypt("v1:%%%")


def test_decrypt_follows_secret_key_rotation() -> None:
    with override_settings(SECRET_KEY="old-key-" + "x" * 50):
        sealed = secret_encrypt("seed")
    with override_settings(SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=["old-key-" + "x" * 50]):
        assert secret_decrypt(sealed) == "seed"
    with (
        override_settings(SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(SecretDecryptionError),
    ):
        secret_decrypt(sealed)
