"""API: issuing an outside approval link, and starting a response to an intelligence alert with evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from chancery.identity.enums import Role
from chancery.intelligence.models import Alert
from chancery.missions.models import Organisation
from chancery.outreach.models import ApprovalLink
from tests.outreach.factories import TEXT_EN, TEXT_VI, draft, press_officer, two_step_workflow, user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outreach"


def _client(who: object) -> Client:
    client = Client()
    client.force_login(who)  # type: ignore[arg-type]
    return client


def test_link_issue_and_alert_response_over_the_api(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    lead = press_officer(ministry, "lead")
    two_step_workflow(author, [user("rev", Role.ANALYST, ministry)], [user("sp", Role.ANALYST, ministry)])
    post = draft(author, [])
    _client(author).post(f"{BASE}/posts/{post.pk}/submit")
    body = {"approver_name": "Ms Tanaka", "valid_days": 2}
    own = _client(author).post(f"{BASE}/posts/{post.pk}/approval-links", body, content_type="application/json")
    assert own.status_code == 403  # never for one's own post
    hidden = _client(press_officer(mission_paris, "paris")).post(
        f"{BASE}/posts/{post.pk}/approval-links", body, content_type="application/json"
    )
    assert hidden.status_code == 404
    issued = _client(lead).post(f"{BASE}/posts/{post.pk}/approval-links", body, content_type="application/json")
    assert issued.status_code == 201
    assert "/outreach/review/" in issued.json()["url"]
    assert ApprovalLink.objects.get().approver_name == "Ms Tanaka"
    page = Client().get(issued.json()["url"])
    assert page.status_code == 200

    alert = Alert.objects.create(
        kind="spike", subject="topic:energy", measure="tone", day=date(2026, 11, 27), figures={"z": -3.2}
    )
    content = {
        "title": "Reply",
        "text_vi": TEXT_VI,
        "text_en": TEXT_EN,
        "account_ids": [],
        "scheduled_for": "2026-12-01T08:00:00Z",
    }
    created = _client(author).post(f"{BASE}/alerts/{alert.pk}/responses", content, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["evidence"][0]["kind"] == "alert"
    assert created.json()["evidence"][0]["figures"] == {"z": -3.2}
    missing = _client(author).post(f"{BASE}/alerts/999999/responses", content, content_type="application/json")
    assert missing.status_code == 404
