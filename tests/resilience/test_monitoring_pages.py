"""The security alerts page and API: the explanation and events behind an alert, acknowledge and close."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.resilience.monitoring.enums import AlertKind, AlertStatus
from chancery.resilience.monitoring.models import SecurityAlert
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def alert() -> SecurityAlert:
    event = AuditEvent.objects.create(action="identity.sign_in_failed", actor_username="target0", outcome="failure")
    return SecurityAlert.objects.create(
        kind=AlertKind.FAILURE_BURST,
        dedup_key="burst:1",
        figures={"failures": 14, "accounts": 5, "addresses": 2, "minutes": 10, "top_accounts": ["target0"]},
        event_ids=[event.pk],
    )


def test_the_alert_page_explains_it_and_lists_the_events_behind_it(
    client: Client, security_officer: User, alert: SecurityAlert
) -> None:
    enable_totp(security_officer)
    client.force_login(security_officer)
    listing = client.get("/monitoring/alerts/").content.decode()
    assert "14 failed sign-ins against 5 accounts" in listing
    detail = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert "identity.sign_in_failed" in detail
    assert "target0" in detail
    client.post(f"/monitoring/alerts/{alert.pk}/acknowledge/")
    client.post(f"/monitoring/alerts/{alert.pk}/close/", {"note": "Password spraying from a known scanner."})
    alert.refresh_from_db()
    assert (alert.status, alert.note) == (AlertStatus.CLOSED, "Password spraying from a known scanner.")


def test_the_alert_pages_refuse_other_roles(client: Client, desk_officer: User, alert: SecurityAlert) -> None:
    client.force_login(desk_officer)
    assert client.get("/monitoring/alerts/").status_code == 403
    assert client.post(f"/monitoring/alerts/{alert.pk}/close/", {"note": "x"}).status_code == 403


def test_the_api_lists_and_closes_alerts(
    client: Client, security_officer: User, desk_officer: User, alert: SecurityAlert
) -> None:
    officer = bearer(issue_token(security_officer, ["monitoring:read", "monitoring:write"]).secret)
    items = client.get("/api/v1/monitoring/alerts", **officer).json()["items"]
    assert items[0]["explanation"].startswith("14 failed sign-ins")
    closed = client.post(
        f"/api/v1/monitoring/alerts/{alert.pk}/close",
        {"note": "Checked."},
        content_type="application/json",
        **officer,
    )
    assert closed.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/monitoring/alerts/{alert.pk}/close", {"note": "x"}, content_type="application/json", **officer
    )
    assert_problem(again, 409)
    desk = bearer(issue_token(desk_officer, ["monitoring:read"]).secret)
    assert_problem(client.get("/api/v1/monitoring/alerts", **desk), 403)
