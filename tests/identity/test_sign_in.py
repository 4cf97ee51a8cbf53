"""Sign-in through allauth's real views: password, then TOTP or a recovery code; audit events."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.audit.enums import Outcome
from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from tests.conftest import current_totp_code, enable_totp
from tests.identity.conftest import actions, sign_in_password

pytestmark = pytest.mark.django_db


def test_sign_in_page_has_labels_heading_and_no_sign_up_link(client: Client) -> None:
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in html
    assert 'for="id_login"' in html
    assert 'for="id_password"' in html
    assert "/accounts/signup/" not in html
    assert "/accounts/password/reset/" not in html  # no e-mail reset in an administrator-provisioned system


def test_wrong_password_shows_form_error_linked_to_form_and_audits_failure(client: Client, desk_officer: User) -> None:
    response = sign_in_password(client, "desk", "not the right password at all")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="identity.sign_in_failed")
    assert event.actor_username == "desk"
    assert event.actor_id is None
    assert event.outcome == Outcome.FAILURE
    assert event.detail == {"reason": "credentials"}
    assert "not the right password" not in str(event.detail)


def test_password_only_user_signs_in_and_is_audited(client: Client, desk_officer: User) -> None:
    response = sign_in_password(client, "desk")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == desk_officer.pk
    event = AuditEvent.objects.get(action="identity.signed_in")
    assert event.actor_id == desk_officer.pk
    assert event.detail == {"methods": ["password"]}


def test_password_then_totp_signs_in(client: Client, security_officer: User) -> None:
    secret = enable_totp(security_officer)
    response = sign_in_password(client, "secoff")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # not signed in before the second factor

    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    assert 'for="id_code"' in page.content.decode()

    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == security_officer.pk
    event = AuditEvent.objects.get(action="identity.signed_in")
    assert event.detail == {"methods": ["mfa", "password"]}
    assert client.get("/").status_code == 200


def test_wrong_totp_is_refused_with_a_form_error(client: Client, security_officer: User) -> None:
    secret = enable_totp(security_officer)
    sign_in_password(client, "secoff")
    wrong = f"{(int(current_totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_code_error"' in html
    assert 'id="id_code_error"' in html
    assert "_auth_user_id" not in client.session
    failure = AuditEvent.objects.get(action="identity.sign_in_failed")
    assert failure.detail == {"reason": "mfa_code"}
    assert failure.actor_username == "secoff"


def test_recovery_code_works_without_javascript(client: Client, security_officer: User) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    enable_totp(security_officer)
    codes = RecoveryCodes.activate(security_officer).get_unused_codes()
    sign_in_password(client, "secoff")
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == security_officer.pk


def test_sign_out_is_audited(client: Client, desk_officer: User) -> None:
    sign_in_password(client, "desk")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert actions("desk")[-1] == "identity.signed_out"
    assert AuditEvent.objects.get(action="identity.signed_out").detail == {"reason": "user"}
