"""The calendar's month view: the month's weeks, Monday first, with the posts the user may see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from chancery.missions.models import Organisation
from tests.outreach.factories import draft, press_officer

pytestmark = pytest.mark.django_db


def test_month_view_shows_the_months_posts_only(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    draft(author, [], title="Mid-November statement", scheduled_for=datetime(2026, 11, 15, 5, 0, tzinfo=UTC))
    draft(author, [], title="January statement", scheduled_for=datetime(2027, 1, 15, 5, 0, tzinfo=UTC))
    draft(
        press_officer(mission_paris, "paris"),
        [],
        title="Paris statement",
        scheduled_for=datetime(2026, 11, 16, 5, 0, tzinfo=UTC),
    )
    client = Client()
    client.force_login(author)
    page = client.get(reverse("outreach:calendar_month"), {"month": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mid-November statement" in html
    assert "January statement" not in html
    assert "Paris statement" not in html  # another unit's draft
    assert html.count("<tr>") == 1 + 6  # header + six weeks (Mon 26 Oct ... Sun 6 Dec)
    assert 'datetime="2026-10-26"' in html
    assert 'datetime="2026-12-06"' in html
    assert "?month=2026-12" in html
    assert "?month=2026-10" in html
    assert client.get(reverse("outreach:calendar_month"), {"month": "garbage"}).status_code == 200
