"""The API covers the deadlines calendar, reminders and signed texts; a calendar client subscribes to an
agreement's feed with its token; country codes from outside are parsed strictly (property-based)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pycountry
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from icalendar import Calendar

from chancery.agreements import obligations
from chancery.agreements.models import Agreement, Obligation
from chancery.agreements.validation import country_alpha_2, known_organisation_code
from chancery.identity.models import User
from chancery.platform.errors import InvalidInput
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of, enable_totp

BASE = "/api/v1/agreements"


def session(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agreement(legal_department: object) -> Agreement:
    cache.clear()
    return make_agreement()


@pytest.fixture
def report(agreement: Agreement, treaty_officer: User) -> Obligation:
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


@pytest.mark.django_db(transaction=True)
def test_obligations_and_reminders_through_the_api_for_three_users(
    report: Obligation, treaty_officer: User, other_department_officer: User, partner_user: User
) -> None:
    obligations.obligation_reminders_send(today=dt.date(2026, 3, 5))
    owner = session(treaty_officer)
    assert [o["id"] for o in owner.get(f"{BASE}/obligations", {"mine": "true"}).json()["items"]] == [report.pk]
    reminders = owner.get(f"{BASE}/reminders").json()["items"]
    assert [(r["obligation_id"], r["agreement_id"], r["due_date"]) for r in reminders] == [
        (report.pk, report.agreement_id, "2026-03-31")
    ]
    other = session(other_department_officer)  # an internal agreement: other departments see its deadlines
    assert [o["id"] for o in other.get(f"{BASE}/obligations").json()["items"]] == [report.pk]
    assert other.get(f"{BASE}/obligations", {"mine": "true"}).json()["items"] == []
    assert other.get(f"{BASE}/reminders").json()["items"] == []
    partner = session(partner_user)
    assert partner.get(f"{BASE}/obligations").json()["items"] == []
    assert partner.get(f"{BASE}/reminders").json()["items"] == []


@pytest.mark.django_db
def test_signed_texts_are_listed(agreement: Agreement, treaty_officer: User, partner_user: User) -> None:
    client = session(treaty_officer)
    assert client.get(f"{BASE}/{agreement.pk}/texts").json() == []
    hidden = make_agreement(short_name="OTHER", parties=("VN", "FR"))
    assert session(partner_user).get(f"{BASE}/{hidden.pk}/texts").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_calendar_client_subscribes_to_one_agreement_with_the_token(
    report: Obligation, agreement: Agreement, treaty_officer: User, economic_department: object
) -> None:
    token = obligations.calendar_token_issue(actor=actor_of(treaty_officer))
    url = reverse("agreements:user_feed", args=[token])
    response = Client().get(url, {"agreement": agreement.pk})
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "VJEPA"
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["VJEPA: Annual implementation report"]
    secret = make_agreement(short_name="SECRET", lead="dept-economic", classification=30)
    assert Client().get(url, {"agreement": secret.pk}).status_code == 404
    assert Client().get(url, {"agreement": "x"}).status_code == 404


def _outcome(call: Callable[[], str]) -> tuple[str | None, list[str]]:
    """Return (the code, []) or (None, the fields the refusal names)."""
    try:
        return call(), []
    except InvalidInput as error:
        return None, list(error.errors)


@given(st.text(max_size=5))
@example("ß")  # upper-cases to "SS" (South Sudan): once accepted
@example("ßd")
def test_country_codes_are_known_iso_codes_or_refused_naming_the_field(text: str) -> None:
    code, fields = _outcome(lambda: country_alpha_2(text, field="country"))
    if code is None:
        assert fields == ["country"]
    else:
        assert pycountry.countries.get(alpha_2=code) is not None
        assert len(text.strip()) in {2, 3}
        assert text.strip().isascii()


@given(st.text(max_size=12))
def test_organisation_codes_are_known_or_refused_naming_the_field(text: str) -> None:
    code, fields = _outcome(lambda: known_organisation_code(text))
    if code is None:
        assert fields == ["organisation_code"]
    else:
        assert code == text.strip().upper()
