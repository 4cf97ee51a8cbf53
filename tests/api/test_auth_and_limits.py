"""Session authentication (with CSRF and MFA), scope narrowing and the per-token rate limit."""

from __future__ import annotations

import pytest
from django.test import Client

from chancery.identity.models import User
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import enable_totp

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_testing")]

ECHO = {"name": "n", "count": 1}


def test_session_user_reads_me(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "desk"
    assert body["role"] == "desk_officer"
    assert body["organisation"]["code"] == "emb-tokyo"
    assert body["scopes"] is None
    assert body["token_id"] is None


def test_session_unsafe_request_needs_csrf_token(desk_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_officer)
    refused = client.post("/api/test/echo", data=ECHO, content_type="application/json")
    assert_problem(refused, 403, "csrf-failed")
    client.get("/me/security/")  # sets the CSRF cookie, as the browser would have it
    from django.conf import settings

    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    allowed = client.post("/api/test/echo", data=ECHO, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200
    assert allowed.json()["by"] == "desk"


def test_token_requests_need_no_csrf_token(desk_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    secret = issue_token(desk_officer, ["audit:read"]).secret
    response = client.post("/api/test/echo", data=ECHO, content_type="application/json", **bearer(secret))
    assert response.status_code == 200


def test_session_of_user_who_must_but_has_not_set_up_mfa_is_refused(client: Client, security_officer: User) -> None:
    client.force_login(security_officer)
    assert_problem(client.get("/api/v1/me"), 403, "permission-denied")
    enable_totp(security_officer)
    assert client.get("/api/v1/me").status_code == 200


def test_bad_token_is_not_rescued_by_a_session(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    assert_problem(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer chy_deadbeef_wrong"), 401)


def test_token_scopes_narrow_the_users_rights(client: Client, security_officer: User) -> None:
    without = issue_token(security_officer, ["identity:read"]).secret
    with_scope = issue_token(security_officer, ["audit:read"]).secret
    assert_problem(client.get("/api/v1/audit/events", **bearer(without)), 403, "permission-denied")
    assert client.get("/api/v1/audit/events", **bearer(with_scope)).status_code == 200


def test_scope_never_exceeds_the_role(client: Client, desk_officer: User) -> None:
    secret = issue_token(desk_officer, ["audit:read", "audit:admin"]).secret
    assert_problem(client.get("/api/v1/audit/events", **bearer(secret)), 403, "permission-denied")


def test_rate_limit_per_token_answers_429_with_retry_after(
    client: Client, desk_officer: User, settings: object
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 2  # type: ignore[attr-defined]
    first = issue_token(desk_officer, ["audit:read"], name="one").secret
    second = issue_token(desk_officer, ["audit:read"], name="two").secret
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    assert client.get("/api/v1/me", **bearer(first)).status_code == 200
    limited = client.get("/api/v1/me", **bearer(first))
    assert_problem(limited, 429, "rate-limited")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert client.get("/api/v1/me", **bearer(second)).status_code == 200  # another token, another budget


def test_rate_limit_for_sessions_is_per_client_address(
    desk_officer: User, other_mission_officer: User, settings: object
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 1  # type: ignore[attr-defined]
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    here.force_login(desk_officer)
    there.force_login(other_mission_officer)
    assert here.get("/api/v1/me").status_code == 200
    assert_problem(here.get("/api/v1/me"), 429, "rate-limited")
    assert there.get("/api/v1/me").status_code == 200
