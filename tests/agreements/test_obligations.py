"""Obligations: reminders with a frozen clock, iCalendar feeds parsed by a client library, the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from chancery.agreements import obligations, selectors
from chancery.agreements.models import Agreement, Obligation, Reminder
from chancery.identity.models import User
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from tests.agreements.conftest import SYSTEM, make_agreement
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(client: Client, user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client.force_login(user)
    return client


@pytest.fixture
def agreement(legal_department: object) -> Agreement:
    return make_agreement()


@pytest.fixture
def annual_report(agreement: Agreement, treaty_officer: User) -> Obligation:
    treaty_officer.email = "treaty@example.test"
    treaty_officer.save(update_fields=["email"])
    return obligations.obligation_create(
        actor=actor_of(treaty_officer),
        agreement_id=agreement.pk,
        title="Annual implementation report",
        department_code="dept-law",
        owner_username="treaty",
        due_date=dt.date(2026, 3, 31),
        recurrence="annual",
        remind_days_before=30,
    )


def test_reminders_fire_only_inside_the_window_and_once(annual_report: Obligation) -> None:
    assert obligations.obligation_reminders_send(today=dt.date(2026, 2, 28)) == 0
    assert obligations.obligation_reminders_send(today=dt.date(2026, 3, 1)) == 1
    assert obligations.obligation_reminders_send(today=dt.date(2026, 3, 2)) == 0
    assert Reminder.objects.get().due_date == dt.date(2026, 3, 31)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["treaty@example.test"]
    assert "VJEPA" in mail.outbox[0].subject
    assert "Annual implementation report" not in mail.outbox[0].body


def test_overdue_obligations_still_remind(annual_report: Obligation) -> None:
    assert obligations.obligation_reminders_send(today=dt.date(2026, 6, 1)) == 1


def test_completing_a_recurring_obligation_moves_its_due_date(annual_report: Obligation, treaty_officer: User) -> None:
    done = obligations.obligation_complete(actor=actor_of(treaty_officer), obligation_id=annual_report.pk)
    assert done.due_date == dt.date(2027, 3, 31)
    assert done.status == "open"
    assert obligations.obligation_reminders_send(today=dt.date(2027, 3, 1)) == 1


def test_next_due_date_clamps_to_month_end() -> None:
    assert obligations.next_due_date(dt.date(2026, 1, 31), "monthly") == dt.date(2026, 2, 28)
    assert obligations.next_due_date(dt.date(2026, 11, 30), "quarterly") == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"department_code": "dept-nope"}, "department"),
        ({"owner_username": "econ"}, "owner"),
        ({"recurrence": "weekly"}, "recurrence"),
        ({"remind_days_before": 900}, "remind_days_before"),
    ],
)
def test_bad_obligations_name_the_field(
    agreement: Agreement, treaty_officer: User, other_department_officer: User, changes: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "title": "Report",
        "department_code": "dept-law",
        "owner_username": "treaty",
        "due_date": dt.date(2026, 3, 31),
        "recurrence": "none",
        "remind_days_before": 14,
        **changes,
    }
    with pytest.raises(InvalidInput) as excinfo:
        obligations.obligation_create(actor=actor_of(treaty_officer), agreement_id=agreement.pk, **arguments)  # type: ignore[arg-type]
    assert list(excinfo.value.errors) == [field]
    assert not Obligation.objects.exists()


def test_three_users_and_obligations(
    annual_report: Obligation, treaty_officer: User, other_department_officer: User, partner_user: User
) -> None:
    assert list(selectors.obligation_list(actor=actor_of(treaty_officer))) == [annual_report]
    assert list(selectors.obligation_list(actor=actor_of(other_department_officer))) == [annual_report]
    assert list(selectors.obligation_list(actor=actor_of(partner_user))) == []
    with pytest.raises(PermissionDenied):
        obligations.obligation_complete(actor=actor_of(other_department_officer), obligation_id=annual_report.pk)
    with pytest.raises(NotFound):
        obligations.obligation_complete(actor=actor_of(partner_user), obligation_id=annual_report.pk)


def _events(ics: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(ics)
    return [
        {"summary": str(c["SUMMARY"]), "start": c.decoded("DTSTART"), "rrule": dict(c.get("RRULE", {}))}
        for c in calendar.walk("VEVENT")
    ]


def test_agreement_feed_parses(
    client: Client, annual_report: Obligation, treaty_officer: User, agreement: Agreement
) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:agreement_feed", args=[agreement.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert events == [
        {"summary": "VJEPA: Annual implementation report", "start": dt.date(2026, 3, 31), "rrule": {"FREQ": ["YEARLY"]}}
    ]


def test_user_feed_by_token(client: Client, annual_report: Obligation, treaty_officer: User) -> None:
    token = obligations.calendar_token_issue(actor=actor_of(treaty_officer))
    response = Client().get(reverse("agreements:user_feed", args=[token]))
    assert response.status_code == 200
    assert [event["summary"] for event in _events(response.content)] == ["VJEPA: Annual implementation report"]
    assert Client().get(reverse("agreements:user_feed", args=["not-a-token"])).status_code == 404
    newer = obligations.calendar_token_issue(actor=actor_of(treaty_officer))
    assert Client().get(reverse("agreements:user_feed", args=[token])).status_code == 404
    assert Client().get(reverse("agreements:user_feed", args=[newer])).status_code == 200


def test_partner_cannot_have_a_feed(partner_user: User) -> None:
    with pytest.raises(PermissionDenied):
        obligations.calendar_token_issue(actor=actor_of(partner_user))


def test_dashboard_splits_overdue_and_upcoming(client: Client, annual_report: Obligation, treaty_officer: User) -> None:
    obligations.obligation_create(
        actor=SYSTEM,
        agreement_id=annual_report.agreement_id,
        title="Tariff step",
        department_code="dept-law",
        owner_username="treaty",
        due_date=dt.date(2999, 1, 1),
    )
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:deadlines"))
    assert [o.title for o in response.context["overdue"]] == ["Annual implementation report"]
    assert [o.title for o in response.context["upcoming"]] == ["Tariff step"]


def test_obligation_form_and_mark_as_met(client: Client, treaty_officer: User, agreement: Agreement) -> None:
    signed_in(client, treaty_officer)
    url = reverse("agreements:obligation_create", args=[agreement.pk])
    data = {
        "title": "Review",
        "department": "dept-law",
        "owner": "nobody",
        "due_date": "2026-05-01",
        "recurrence": "none",
        "remind_days_before": "7",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "owner" in response.context["obligation_form"].errors
    assert not Obligation.objects.exists()
    assert client.post(url, {**data, "owner": "treaty"}).status_code == 302
    obligation = Obligation.objects.get()
    assert client.post(reverse("agreements:obligation_complete", args=[obligation.pk])).status_code == 302
    assert Obligation.objects.get().status == "done"


def test_the_deadlines_calendar_shows_a_month_grid(
    client: Client, treaty_officer: User, annual_report: Obligation
) -> None:
    signed_in(client, treaty_officer)
    response = client.get(reverse("agreements:deadlines"), {"month": "2026-03"})
    grid = response.context["grid"]
    assert grid.first == dt.date(2026, 3, 1)
    assert (grid.previous, grid.following) == (dt.date(2026, 2, 1), dt.date(2026, 4, 1))
    assert all(len(week) == 7 and week[0].day.weekday() == 0 for week in grid.weeks)
    due = [cell for week in grid.weeks for cell in week if cell.obligations]
    assert [(cell.day, cell.in_month) for cell in due] == [(dt.date(2026, 3, 31), True)]
    assert b'datetime="2026-03-31"' in response.content
    assert b"Annual implementation report" in response.content
    december = client.get(reverse("agreements:deadlines"), {"month": "2025-12"}).context["grid"]
    assert december.following == dt.date(2026, 1, 1)
    assert not any(cell.obligations for week in december.weeks for cell in week)
    fallback = client.get(reverse("agreements:deadlines"), {"month": "2026-13"}).context["grid"]
    assert fallback.first.day == 1  # a malformed month falls back to the current one
