"""GET /api/v1/audit/events: filters, pagination with links, the page-size cap and who may call it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from tests.api.conftest import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


def _event(action: str, *, username: str = "someone", outcome: str = "success", **extra: object) -> AuditEvent:
    return AuditEvent.objects.create(action=action, actor_username=username, outcome=outcome, **extra)


@pytest.fixture
def officer_secret(security_officer: User) -> str:
    return issue_token(security_officer, ["audit:read"]).secret


def test_pages_link_next_and_previous(client: Client, officer_secret: str) -> None:
    for n in range(5):
        _event(f"test.step{n}")
    first = client.get("/api/v1/audit/events?action=test.&limit=2", **bearer(officer_secret)).json()
    assert first["count"] == 5
    assert [item["action"] for item in first["items"]] == ["test.step4", "test.step3"]
    assert first["previous"] is None
    second = client.get(first["next"], **bearer(officer_secret)).json()
    assert [item["action"] for item in second["items"]] == ["test.step2", "test.step1"]
    assert "action=test." in second["next"]
    last = client.get(second["next"], **bearer(officer_secret)).json()
    assert [item["action"] for item in last["items"]] == ["test.step0"]
    assert last["next"] is None
    assert last["previous"] is not None


def test_page_size_is_capped(client: Client, officer_secret: str) -> None:
    body = assert_problem(client.get("/api/v1/audit/events?limit=201", **bearer(officer_secret)), 422)
    assert "query.limit" in body["errors"]
    assert client.get("/api/v1/audit/events?limit=200", **bearer(officer_secret)).status_code == 200


def test_filters_by_actor_outcome_and_time(client: Client, officer_secret: str) -> None:
    _event("test.old", username="alice", outcome="denied")
    _event("test.new", username="alice", outcome="success")
    _event("test.other", username="bob", outcome="denied")
    earlier = _event("test.earlier", username="alice", occurred_at=timezone.now() - timedelta(days=3))
    url = "/api/v1/audit/events?actor=ALICE&action=test."
    actions = {item["action"] for item in client.get(url, **bearer(officer_secret)).json()["items"]}
    assert actions == {"test.old", "test.new", "test.earlier"}
    denied = client.get(url + "&outcome=denied", **bearer(officer_secret)).json()["items"]
    assert [item["action"] for item in denied] == ["test.old"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = client.get(url, {"since": since}, **bearer(officer_secret)).json()["items"]
    assert earlier.action not in {item["action"] for item in recent}
    until = client.get(url, {"until": since}, **bearer(officer_secret)).json()["items"]
    assert [item["action"] for item in until] == ["test.earlier"]


def test_bad_filter_values_are_422(client: Client, officer_secret: str) -> None:
    body = assert_problem(
        client.get("/api/v1/audit/events?outcome=maybe&since=yesterday", **bearer(officer_secret)), 422
    )
    assert {"query.outcome", "query.since"} <= set(body["errors"])


def test_desk_officer_is_refused(client: Client, desk_officer: User) -> None:
    secret = issue_token(desk_officer, ["audit:read"]).secret
    assert_problem(client.get("/api/v1/audit/events", **bearer(secret)), 403)


def test_mission_security_officer_sees_only_own_missions_events(
    client: Client, desk_officer: User, other_mission_officer: User, mission_paris: object
) -> None:
    from tests.factories import UserFactory

    paris_officer = UserFactory(username="paris-secoff", role="security_officer", organisation=mission_paris)
    secret = issue_token(paris_officer, ["audit:read"]).secret
    issue_token(desk_officer, ["audit:read"], name="tokyo")  # audited under Tokyo's organisation
    issue_token(other_mission_officer, ["audit:read"], name="paris")  # audited under Paris
    items = client.get("/api/v1/audit/events?action=identity.token_created", **bearer(secret)).json()["items"]
    assert {item["actor"] for item in items} == {"paris", "paris-secoff"}
