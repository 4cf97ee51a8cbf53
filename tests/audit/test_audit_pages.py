"""The audit log page (filters, pagination, query count) and its streamed, audited CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client: Client, security_officer: User) -> Client:
    enable_totp(security_officer)
    client.force_login(security_officer)
    return client


def _events(count: int, *, action: str = "test.event", **extra: Any) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(action=f"{action}{n}", actor_username="alice", **extra) for n in range(count)
    )


def test_page_lists_events_newest_first_with_pagination(officer_client: Client) -> None:
    _events(60)
    response = officer_client.get("/audit/", {"action": "test."})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 50
    content = response.content.decode()
    assert 'rel="next"' in content
    assert "action=test." in content
    second = officer_client.get("/audit/", {"action": "test.", "page": "2"})
    assert len(second.context["page"].object_list) == 10


# Per request: session, user, user-session tracking (5), MFA check, the actor's organisation and
# compartments, the navigation's one (is the user an outreach approver?), then the page's own two (count
# and slice), and the session save (3).
PAGE_QUERIES = 16


def test_page_query_count_does_not_grow_with_rows(officer_client: Client, django_assert_num_queries: Any) -> None:
    _events(5)
    officer_client.get("/audit/")  # warm the session
    with django_assert_num_queries(PAGE_QUERIES):
        officer_client.get("/audit/", {"action": "test."})
    _events(40, action="test.more")
    with django_assert_num_queries(PAGE_QUERIES):
        officer_client.get("/audit/", {"action": "test."})


def test_filters_by_outcome_and_dates(officer_client: Client) -> None:
    AuditEvent.objects.create(action="test.old", actor_username="bob", occurred_at=timezone.now() - timedelta(days=10))
    AuditEvent.objects.create(action="test.denied", actor_username="bob", outcome="denied")
    AuditEvent.objects.create(action="test.ok", actor_username="carol")
    today = timezone.localdate().isoformat()
    response = officer_client.get("/audit/", {"action": "test.", "since": today, "until": today})
    assert {e.action for e in response.context["page"].object_list} == {"test.denied", "test.ok"}
    response = officer_client.get("/audit/", {"action": "test.", "outcome": "denied"})
    assert [e.action for e in response.context["page"].object_list] == ["test.denied"]
    response = officer_client.get("/audit/", {"actor": "BOB", "action": "test."})
    assert {e.action for e in response.context["page"].object_list} == {"test.old", "test.denied"}


def test_invalid_filters_show_form_errors_not_a_500(officer_client: Client) -> None:
    response = officer_client.get("/audit/", {"since": "2025-02-30", "outcome": "maybe"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"since", "outcome"}
    assert response.context["page"] is None
    reversed_range = officer_client.get("/audit/", {"since": "2025-03-02", "until": "2025-03-01"})
    assert "until" in reversed_range.context["form"].errors


def test_other_role_is_refused(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in ("/audit/", "/audit/export.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_csv_export_streams_filtered_rows_and_is_audited(officer_client: Client, security_officer: User) -> None:
    AuditEvent.objects.create(action="test.csv", actor_username="=HYPERLINK(evil)", detail={"k": "v"})
    AuditEvent.objects.create(action="other.thing", actor_username="dave")
    response = officer_client.get("/audit/export.csv", {"action": "test."})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["occurred_at", "actor_id", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["test.csv"]
    assert rows[1][2] == "'=HYPERLINK(evil)"  # not evaluated as a spreadsheet formula
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == security_officer.pk
    assert exported.detail == {"action": "test."}


def test_csv_export_with_invalid_filters_is_400_and_not_audited(officer_client: Client) -> None:
    response = officer_client.get("/audit/export.csv", {"since": "not-a-date"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
