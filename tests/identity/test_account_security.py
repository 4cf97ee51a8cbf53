"""ASVS 5.0 gaps closed in identity: sign-out clearing, session limits, officers ending sessions,
re-authentication, one-time passwords, the administrator's reset, second-factor replacement and hashed
recovery codes."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chancery import cli
from chancery.audit.models import AuditEvent
from chancery.config import settings as real_settings
from chancery.identity import recovery, services
from chancery.identity.enums import Role
from chancery.identity.middleware import CLEAR_SITE_DATA, SESSION_SEEN
from chancery.identity.models import MfaResetRequest, MfaResetStatus, User
from chancery.identity.tokens import api_token_create
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput, PermissionDenied
from tests.conftest import actor_of, current_totp_code, enable_totp
from tests.factories import TEST_PASSWORD, UserFactory
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a brand new passphrase of mine"


def signed_in(username: str = "desk") -> Client:
    client = Client()
    sign_in_password(client, username)
    assert client.get("/").status_code == 200
    return client


def officer_client(user: User) -> Client:
    """Sign an officer in with password and TOTP (officers must use a second factor)."""
    secret = enable_totp(user)
    client = Client()
    sign_in_password(client, user.username)
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})  # officers' actions need a fresh one
    return client


def make_stale(client: Client) -> None:
    """Pretend the last password or code entry was long ago (re-authentication is then asked for)."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] = time.time() - 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


@pytest.fixture
def admin_user(ministry: Organisation) -> User:
    return UserFactory(
        username="chief", role=Role.ADMINISTRATOR, organisation=ministry, is_staff=True, is_superuser=True
    )


@pytest.fixture
def paris_security_officer(mission_paris: Organisation) -> User:
    return UserFactory(username="secparis", role=Role.SECURITY_OFFICER, organisation=mission_paris)


# --- V14.3.1: Clear-Site-Data -------------------------------------------------------------------------


def test_sign_out_sends_clear_site_data(desk_officer: User) -> None:
    client = signed_in()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA == '"cache", "cookies", "storage"'
    assert "Clear-Site-Data" not in signed_in().get("/")


def test_timeout_sign_out_sends_clear_site_data(desk_officer: User, settings: Any) -> None:
    client = signed_in()
    session = client.session
    session[SESSION_SEEN] = int(session[SESSION_SEEN]) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    assert client.get("/")["Clear-Site-Data"] == CLEAR_SITE_DATA


# --- V7.1.2: concurrent session limit -----------------------------------------------------------------


def test_oldest_session_ends_when_the_limit_is_passed(desk_officer: User, settings: Any) -> None:
    settings.MAX_SESSIONS_PER_USER = 2
    first, second = signed_in(), signed_in()
    third = signed_in()
    assert first.get("/").status_code == 302  # the oldest was signed out
    assert second.get("/").status_code == 200
    assert third.get("/").status_code == 200
    event = AuditEvent.objects.get(action="identity.session_limit_reached")
    assert event.detail == {"ended": 1, "limit": 2}
    assert event.actor_id == desk_officer.pk


def test_default_limit_is_five() -> None:
    assert real_settings.MAX_SESSIONS_PER_USER == 5


# --- V7.4.5: officers end sessions -------------------------------------------------------------------


def test_rules_for_ending_sessions(
    security_officer: User, paris_security_officer: User, desk_officer: User, other_mission_officer: User
) -> None:
    assert access.can(actor_of(security_officer), "identity.end_sessions", desk_officer)  # allowed
    assert not access.can(actor_of(other_mission_officer), "identity.end_sessions", desk_officer)  # other role
    assert not access.can(actor_of(paris_security_officer), "identity.end_sessions", desk_officer)  # other mission
    assert access.can(actor_of(paris_security_officer), "identity.end_sessions", other_mission_officer)
    assert not access.can(actor_of(security_officer), "identity.end_sessions", security_officer)  # not oneself


def test_officer_page_ends_a_users_sessions(security_officer: User, desk_officer: User) -> None:
    victim = signed_in()
    officer = officer_client(security_officer)
    page = officer.get(f"/security/accounts/{desk_officer.pk}/")
    assert page.status_code == 200
    response = officer.post(f"/security/accounts/{desk_officer.pk}/sessions/end/")
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    event = AuditEvent.objects.get(action="identity.sessions_ended")
    assert event.object_id == str(desk_officer.pk)
    assert event.detail == {"count": 1}


def test_ending_sessions_asks_a_stale_officer_to_reauthenticate(security_officer: User, desk_officer: User) -> None:
    victim = signed_in()
    officer = officer_client(security_officer)
    make_stale(officer)
    response = officer.post(f"/security/accounts/{desk_officer.pk}/sessions/end/")
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    assert victim.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="identity.sessions_ended").exists()


def test_end_all_keeps_the_officers_own_sessions(
    admin_user: User, desk_officer: User, other_mission_officer: User
) -> None:
    desk, other = signed_in("desk"), signed_in(other_mission_officer.username)
    admin_other_browser = Client()
    admin_other_browser.force_login(admin_user)
    ended = services.all_sessions_end(actor=actor_of(admin_user))
    assert ended == 2
    assert desk.get("/").status_code == 302
    assert other.get("/").status_code == 302
    assert "_auth_user_id" in admin_other_browser.session
    assert AuditEvent.objects.get(action="identity.all_sessions_ended").detail == {"count": 2, "accounts": 2}


def test_mission_officer_end_all_stays_within_the_mission(
    paris_security_officer: User, desk_officer: User, other_mission_officer: User
) -> None:
    tokyo, paris = signed_in("desk"), signed_in(other_mission_officer.username)
    assert services.all_sessions_end(actor=actor_of(paris_security_officer)) == 1
    assert tokyo.get("/").status_code == 200
    assert paris.get("/").status_code == 302


def test_desk_officer_may_not_end_anyones_sessions(desk_officer: User, other_mission_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.all_sessions_end(actor=actor_of(desk_officer))
    with pytest.raises(PermissionDenied):
        services.user_sessions_end(actor=actor_of(desk_officer), user_id=other_mission_officer.pk)


def test_api_ends_a_users_sessions_with_an_admin_token(security_officer: User, desk_officer: User) -> None:
    victim = signed_in()
    issued = api_token_create(actor=actor_of(security_officer), name="ops", scopes=["identity:admin"], lifetime_days=1)
    api = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    response = api.post(f"/api/v1/identity/users/{desk_officer.pk}/sessions/end")
    assert response.status_code == 200
    assert response.json() == {"ended": 1}
    assert victim.get("/").status_code == 302
    refused = Client().post(f"/api/v1/identity/users/{desk_officer.pk}/sessions/end")
    assert refused.status_code == 401


# --- V7.5.2: ending one's own other sessions asks for re-authentication -------------------------------


def test_signing_out_other_sessions_needs_a_recent_authentication(desk_officer: User) -> None:
    other = signed_in()
    mine = signed_in()
    make_stale(mine)
    assert mine.get("/accounts/sessions/").status_code == 200  # looking is fine
    response = mine.post("/accounts/sessions/")
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    assert other.get("/").status_code == 200
    mine.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert mine.post("/accounts/sessions/").status_code == 302
    assert other.get("/").status_code == 302


# --- V6.4.1 / V6.4.3: one-time passwords and the administrator's reset -------------------------------


def test_reset_password_is_one_time_keeps_mfa_and_never_logs_it(security_officer: User, desk_officer: User) -> None:
    secret = enable_totp(desk_officer)
    issued = services.user_password_reset(actor=actor_of(security_officer), user_id=desk_officer.pk)
    desk_officer.refresh_from_db()
    assert not desk_officer.check_password(TEST_PASSWORD)
    assert desk_officer.password_change_required
    assert Authenticator.objects.filter(user=desk_officer, type=Authenticator.Type.TOTP).exists()
    event = AuditEvent.objects.get(action="identity.password_reset")
    assert issued.password not in str(event.detail)
    client = Client()
    response = sign_in_password(client, "desk", issued.password)
    assert "/accounts/2fa/authenticate/" in response["Location"]  # the password alone does not open it
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    forced = client.get("/")
    assert forced.status_code == 302
    assert forced["Location"] == "/accounts/password/change/"
    assert client.get("/agreements/").status_code == 302
    changed = client.post(
        "/accounts/password/change/",
        {"oldpassword": issued.password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    desk_officer.refresh_from_db()
    assert not desk_officer.password_change_required
    assert desk_officer.temporary_password_expires_at is None
    assert client.get("/").status_code == 200


def test_expired_one_time_password_is_refused(security_officer: User, desk_officer: User) -> None:
    issued = services.user_password_reset(actor=actor_of(security_officer), user_id=desk_officer.pk)
    User.objects.filter(pk=desk_officer.pk).update(temporary_password_expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    response = sign_in_password(client, "desk", issued.password)
    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failure = AuditEvent.objects.filter(action="identity.sign_in_failed").last()
    assert failure is not None
    assert failure.detail == {"reason": "temporary_password_expired"}


def test_reset_rules(
    admin_user: User, security_officer: User, paris_security_officer: User, desk_officer: User
) -> None:
    assert access.can(actor_of(security_officer), "identity.reset_password", desk_officer)  # allowed
    assert not access.can(actor_of(desk_officer), "identity.reset_password", security_officer)  # other role
    assert not access.can(actor_of(paris_security_officer), "identity.reset_password", desk_officer)  # other mission
    assert not access.can(actor_of(security_officer), "identity.reset_password", admin_user)  # no take-over
    assert access.can(actor_of(admin_user), "identity.reset_password", security_officer)


def test_officer_page_shows_the_one_time_password_once(security_officer: User, desk_officer: User) -> None:
    officer = officer_client(security_officer)
    response = officer.post(f"/security/accounts/{desk_officer.pk}/password/reset/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    desk_officer.refresh_from_db()
    assert desk_officer.password_change_required


def test_cli_reset_password(desk_officer: User, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["admin", "reset-password", "--username", "desk"]) == 0
    password = capsys.readouterr().out.split(": ", 1)[1].split()[0]
    desk_officer.refresh_from_db()
    assert desk_officer.check_password(password)
    assert desk_officer.password_change_required
    assert cli.main(["admin", "reset-password", "--username", "nobody"]) == 1


def test_password_set_in_the_django_admin_is_one_time(admin_user: User, desk_officer: User) -> None:
    enable_totp(admin_user)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/identity/user/{desk_officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    desk_officer.refresh_from_db()
    assert desk_officer.check_password(NEW_PASSWORD)
    assert desk_officer.password_change_required
    assert AuditEvent.objects.get(action="identity.password_reset").detail == {"via": "admin"}


# --- V6.4.4: replacing a lost second factor ----------------------------------------------------------


def test_mfa_reset_needs_a_second_officer_and_evidence(
    admin_user: User, security_officer: User, desk_officer: User
) -> None:
    victim = signed_in()
    enable_totp(desk_officer)
    with pytest.raises(InvalidInput):
        services.mfa_reset_request(actor=actor_of(security_officer), user_id=desk_officer.pk, identity_evidence=" ")
    request = services.mfa_reset_request(
        actor=actor_of(security_officer),
        user_id=desk_officer.pk,
        identity_evidence="In person at the ministry; identity card checked; confirmed by the head of unit.",
    )
    with pytest.raises(Conflict):
        services.mfa_reset_request(actor=actor_of(admin_user), user_id=desk_officer.pk, identity_evidence="again")
    with pytest.raises(PermissionDenied):
        services.mfa_reset_approve(actor=actor_of(security_officer), request_id=request.pk)  # not the requester
    assert Authenticator.objects.filter(user=desk_officer).exists()
    issued = services.mfa_reset_approve(actor=actor_of(admin_user), request_id=request.pk)
    assert not Authenticator.objects.filter(user=desk_officer).exists()
    assert victim.get("/").status_code == 302
    desk_officer.refresh_from_db()
    assert desk_officer.check_password(issued.password)
    assert desk_officer.password_change_required
    request.refresh_from_db()
    assert request.status == MfaResetStatus.APPROVED
    assert request.decided_by_id == admin_user.pk
    approved = AuditEvent.objects.get(action="identity.mfa_reset_approved")
    assert approved.detail["user_id"] == desk_officer.pk
    with pytest.raises(Conflict):
        services.mfa_reset_reject(actor=actor_of(admin_user), request_id=request.pk)


def test_mfa_reset_rules_and_old_requests(
    admin_user: User, security_officer: User, paris_security_officer: User, desk_officer: User
) -> None:
    assert not access.can(actor_of(paris_security_officer), "identity.request_mfa_reset", desk_officer)
    assert not access.can(actor_of(desk_officer), "identity.request_mfa_reset", security_officer)
    request = services.mfa_reset_request(
        actor=actor_of(admin_user), user_id=desk_officer.pk, identity_evidence="Video call with the ambassador."
    )
    assert not access.can(actor_of(paris_security_officer), "identity.approve_mfa_reset", request)  # other mission
    assert not access.can(actor_of(desk_officer), "identity.approve_mfa_reset", request)  # the owner
    MfaResetRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(hours=25))
    with pytest.raises(Conflict):
        services.mfa_reset_approve(actor=actor_of(security_officer), request_id=request.pk)
    services.mfa_reset_reject(actor=actor_of(security_officer), request_id=request.pk)
    assert AuditEvent.objects.filter(action="identity.mfa_reset_rejected").count() == 1


def test_officer_pages_file_and_list_a_reset(admin_user: User, security_officer: User, desk_officer: User) -> None:
    officer = officer_client(security_officer)
    response = officer.post(
        f"/security/accounts/{desk_officer.pk}/mfa-reset/", {"identity_evidence": "Identity card checked in person."}
    )
    assert response.status_code == 302
    assert MfaResetRequest.objects.get().requested_by == security_officer
    enable_totp(admin_user)
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/security/accounts/")
    assert "Identity card checked in person." in listing.content.decode()


# --- V6.5.2: recovery codes as salted slow hashes ----------------------------------------------------


def test_recovery_codes_are_argon2_hashes_used_once(desk_officer: User, settings: Any) -> None:
    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    enable_totp(desk_officer)
    codes = services.recovery_codes_issue(actor=actor_of(desk_officer))
    row = Authenticator.objects.get(user=desk_officer, type=Authenticator.Type.RECOVERY_CODES)
    assert all(encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$") for encoded in row.data["hashes"])
    assert [code[0] for code in codes] == [str(slot) for slot in range(10)]  # the non-secret slot digit
    assert not recovery.code_use(authenticator=row, code="4" + codes[3][1:])  # right secret, wrong slot
    assert len(set(row.data["hashes"])) == len(codes) == 10  # a salt each
    assert recovery.code_use(authenticator=row, code=codes[3].upper())
    assert not recovery.code_use(authenticator=row, code=codes[3])
    assert recovery.unused_count(row) == 9


def test_hashed_recovery_code_signs_in_once(client: Client, security_officer: User) -> None:
    enable_totp(security_officer)
    codes = services.recovery_codes_issue(actor=actor_of(security_officer))
    sign_in_password(client, "secoff")
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert int(client.session["_auth_user_id"]) == security_officer.pk
    again = Client()
    sign_in_password(again, "secoff")
    assert again.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_migration_hashes_seed_codes_and_drops_the_seed(desk_officer: User) -> None:
    from importlib import import_module

    enable_totp(desk_officer)
    seeded = RecoveryCodes.activate(desk_officer)
    seeded.validate_code(seeded.get_unused_codes()[0])
    unused = seeded.get_unused_codes()
    import_module("chancery.identity.migrations.0003_hash_recovery_codes").hash_codes(apps, None)
    row = Authenticator.objects.get(pk=seeded.instance.pk)
    assert "seed" not in row.data
    assert recovery.unused_count(row) == len(unused) == 9
    assert recovery.code_use(authenticator=row, code=unused[-1])


def test_codes_made_at_activation_are_shown_once_then_hashed(desk_officer: User) -> None:
    client = officer_client(desk_officer)  # password, TOTP code and a fresh re-authentication
    RecoveryCodes.activate(desk_officer)
    first = client.get("/accounts/2fa/recovery-codes/")
    assert first.status_code == 200
    row = Authenticator.objects.get(user=desk_officer, type=Authenticator.Type.RECOVERY_CODES)
    assert recovery.is_hashed(row.data)
    assert 'id="recovery_codes"' in first.content.decode()  # shown this once
    assert 'id="recovery_codes"' not in client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/2fa/recovery-codes/download/").status_code == 404
    generated = client.post("/accounts/2fa/recovery-codes/generate/")
    assert generated.status_code == 200
    assert 'id="recovery_codes"' in generated.content.decode()  # the new codes, shown once
    assert AuditEvent.objects.filter(action="identity.recovery_codes_generated").count() == 1


def test_session_api_call_needs_a_recent_reauthentication(security_officer: User, desk_officer: User) -> None:
    victim = signed_in()
    officer = officer_client(security_officer)
    make_stale(officer)
    refused = officer.post(f"/api/v1/identity/users/{desk_officer.pk}/sessions/end")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    assert victim.get("/").status_code == 200
    officer.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert officer.post(f"/api/v1/identity/users/{desk_officer.pk}/sessions/end").json() == {"ended": 1}


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=64))
def test_any_typed_code_is_refused_without_error(desk_officer: User, typed: str) -> None:
    """Whatever someone types at the code prompt, checking it never fails and never matches fresh codes."""
    enable_or_keep_totp(desk_officer)
    row = Authenticator.objects.filter(user=desk_officer, type=Authenticator.Type.RECOVERY_CODES).first()
    if row is None:
        services.recovery_codes_issue(actor=actor_of(desk_officer))
        row = Authenticator.objects.get(user=desk_officer, type=Authenticator.Type.RECOVERY_CODES)
    assert recovery.code_use(authenticator=row, code=typed) is False
    assert recovery.normalise(typed) == recovery.normalise(recovery.normalise(typed))


def enable_or_keep_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enable_totp(user)


def test_after_a_factor_reset_the_person_sets_a_password_then_a_factor(
    admin_user: User, security_officer: User, ministry: Organisation
) -> None:
    cleared = UserFactory(
        username="cleared2", role=Role.DESK_OFFICER, organisation=ministry, clearance=Classification.SECRET
    )
    assert cleared.mfa_required
    enable_totp(cleared)
    request = services.mfa_reset_request(
        actor=actor_of(security_officer), user_id=cleared.pk, identity_evidence="In person; identity card."
    )
    issued = services.mfa_reset_approve(actor=actor_of(admin_user), request_id=request.pk)
    client = Client()
    sign_in_password(client, "cleared2", issued.password)
    assert client.get("/")["Location"] == "/accounts/password/change/"
    assert client.get("/accounts/password/change/").status_code == 200  # no redirect loop with MFA set-up
    client.post(
        "/accounts/password/change/",
        {"oldpassword": issued.password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert client.get("/")["Location"].startswith("/accounts/2fa/totp/activate")
