"""Personal API tokens: hashed, scoped, expiring, revocable, last use recorded, every step audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import ApiToken, User
from chancery.identity.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_list,
    api_token_revoke,
    api_token_scope_choices,
)
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def test_only_the_sha256_digest_is_stored(desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    assert issued.secret.startswith(f"chy_{issued.token.prefix}_")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=row.pk).values_list().get()]
    assert all(issued.secret.split("_", 2)[2] not in value for value in stored)
    created = AuditEvent.objects.get(action="identity.token_created")
    assert created.actor_id == desk_officer.pk
    assert issued.secret not in str(created.detail)
    assert created.detail["scopes"] == ["audit:read"]


def test_scope_choices_come_from_registered_rules() -> None:
    choices = api_token_scope_choices()
    assert {"audit:read", "audit:write", "audit:admin", "identity:admin"} <= set(choices)
    assert all(choice.split(":")[1] in {"read", "write", "admin"} for choice in choices)


@pytest.mark.parametrize(
    ("name", "scopes", "days", "field"),
    [
        ("", ["audit:read"], 30, "name"),
        ("x" * 101, ["audit:read"], 30, "name"),
        ("ok", [], 30, "scopes"),
        ("ok", ["nuclear:launch"], 30, "scopes"),
        ("ok", ["audit:read"], 0, "lifetime_days"),
        ("ok", ["audit:read"], 366, "lifetime_days"),
    ],
)
def test_invalid_token_requests_are_refused_and_nothing_is_written(
    desk_officer: User, name: str, scopes: list[str], days: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        api_token_create(actor=actor_of(desk_officer), name=name, scopes=scopes, lifetime_days=days)
    assert field in refused.value.errors
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="identity.token_created").exists()


def test_a_token_cannot_mint_tokens(desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["identity:admin"])
    token_actor = api_token_authenticate(actor=Actor.anonymous(client_ip="10.0.0.1"), secret=issued.secret)
    with pytest.raises(PermissionDenied):
        api_token_create(actor=token_actor, name="child", scopes=["identity:admin"], lifetime_days=1)
    with pytest.raises(PermissionDenied):
        api_token_list(actor=token_actor)


def test_authenticate_narrows_scopes_and_records_use(desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    actor = api_token_authenticate(actor=Actor.anonymous(client_ip="10.1.2.3"), secret=issued.secret, purpose="GET /x")
    assert actor.user_id == desk_officer.pk
    assert actor.scopes == frozenset({"audit:read"})
    assert actor.token_id == issued.token.pk
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.last_used_ip == "10.1.2.3"
    assert row.last_used_at is not None
    used = AuditEvent.objects.get(action="identity.token_used")
    assert used.outcome == "success"
    assert used.actor_id == desk_officer.pk
    assert used.detail == {"prefix": issued.token.prefix, "request": "GET /x"}


def test_each_request_is_one_audit_row(client: Client, desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    for _ in range(3):
        assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 200
    assert AuditEvent.objects.filter(action="identity.token_used", outcome="success").count() == 3


def test_expired_token_is_refused_and_recorded(client: Client, desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(client.get("/api/v1/me", **bearer(issued.secret)), 401, "not-authenticated")
    denied = AuditEvent.objects.get(action="identity.token_used")
    assert denied.outcome == "denied"
    assert denied.detail["reason"] == "expired"
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is None


def test_revoked_token_is_refused(client: Client, desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    api_token_revoke(actor=actor_of(desk_officer), token_id=issued.token.pk)
    assert_problem(client.get("/api/v1/me", **bearer(issued.secret)), 401, "not-authenticated")
    assert AuditEvent.objects.filter(action="identity.token_revoked", actor_id=desk_officer.pk).count() == 1
    assert AuditEvent.objects.get(action="identity.token_used").detail["reason"] == "revoked"


def test_token_of_a_deactivated_user_is_refused(client: Client, desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    User.objects.filter(pk=desk_officer.pk).update(is_active=False)
    assert_problem(client.get("/api/v1/me", **bearer(issued.secret)), 401, "not-authenticated")


def test_a_tampered_secret_with_a_real_prefix_is_refused(desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    tampered = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    with pytest.raises(NotAuthenticated):
        api_token_authenticate(actor=Actor.anonymous(), secret=tampered)


# --- revoke: allowed / other role / other mission ----------------------------------------------------


def test_owner_revokes_own_token(desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    token = api_token_revoke(actor=actor_of(desk_officer), token_id=issued.token.pk)
    assert token.revoked_at is not None


def test_other_mission_user_cannot_revoke_or_see_anothers_token(
    desk_officer: User, other_mission_officer: User
) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    with pytest.raises(NotFound):
        api_token_revoke(actor=actor_of(other_mission_officer), token_id=issued.token.pk)
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
    assert list(api_token_list(actor=actor_of(other_mission_officer))) == []


def test_security_officer_role_may_revoke_anyones_token(desk_officer: User, security_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    api_token_revoke(actor=actor_of(security_officer), token_id=issued.token.pk)
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_list_shows_only_own_tokens_with_status(desk_officer: User, other_mission_officer: User) -> None:
    mine = issue_token(desk_officer, ["audit:read"], name="mine")
    gone = issue_token(desk_officer, ["audit:read"], name="gone")
    issue_token(other_mission_officer, ["audit:read"], name="theirs")
    api_token_revoke(actor=actor_of(desk_officer), token_id=gone.token.pk)
    listed = {token.name: token.status for token in api_token_list(actor=actor_of(desk_officer))}
    assert listed == {"mine": "active", "gone": "revoked"}
    assert mine.token.pk in {t.pk for t in api_token_list(actor=actor_of(desk_officer))}


# --- pages --------------------------------------------------------------------------------------------


def test_tokens_page_creates_a_token_and_shows_the_secret_once(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    response = client.post("/me/tokens/", {"name": "dashboard", "scopes": ["audit:read"], "lifetime_days": "90"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=desk_officer)
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.expires_at - token.created_at).days == 90
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    listing = client.get("/me/tokens/")
    assert listing.status_code == 200
    assert secret not in listing.content.decode()
    assert f"chy_{token.prefix}" in listing.content.decode()


def test_tokens_page_shows_form_errors_and_writes_nothing(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    response = client.post("/me/tokens/", {"name": "", "scopes": ["nope:read"], "lifetime_days": "400"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes", "lifetime_days"}
    assert not ApiToken.objects.exists()


def test_revoke_page_is_post_only_and_redirects(client: Client, desk_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    client.force_login(desk_officer)
    url = f"/me/tokens/{issued.token.pk}/revoke/"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/me/tokens/"
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_revoke_page_hides_other_users_tokens(client: Client, desk_officer: User, other_mission_officer: User) -> None:
    issued = issue_token(desk_officer, ["audit:read"])
    client.force_login(other_mission_officer)
    assert client.post(f"/me/tokens/{issued.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
