"""The missions API at /api/v1/missions: organisations, visible reports, audited reads, creation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.identity.tokens import api_token_create
from chancery.missions.models import Organisation, PostReport
from chancery.platform.enums import Classification
from tests.conftest import actor_of, enable_totp

pytestmark = pytest.mark.django_db

BASE = "/api/v1/missions"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def session(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_anonymous_callers_get_401(client: Client) -> None:
    assert_problem(client.get(f"{BASE}/reports"), 401)
    assert_problem(client.get(f"{BASE}/organisations"), 401)


def test_organisation_list_is_paginated_and_filtered(
    desk_officer: User, ministry: Organisation, mission_paris: Organisation, partner_japan: Organisation
) -> None:
    client = session(desk_officer)
    body = client.get(f"{BASE}/organisations", {"limit": 2}).json()
    assert body["count"] == 4
    assert len(body["items"]) == 2
    assert body["next"] is not None
    embassies = client.get(f"{BASE}/organisations", {"kind": "embassy"}).json()
    assert {item["code"] for item in embassies["items"]} == {"emb-tokyo", "emb-paris"}
    assert {item["parent_code"] for item in embassies["items"]} == {"mofa"}
    assert_problem(client.get(f"{BASE}/organisations", {"kind": "castle"}), 422)


def test_organisation_detail_with_members_and_children(
    desk_officer: User, ministry: Organisation, mission_tokyo: Organisation
) -> None:
    body = session(desk_officer).get(f"{BASE}/organisations/emb-tokyo").json()
    assert body["organisation"]["code"] == "emb-tokyo"
    assert body["organisation"]["country_code"] == "JP"
    assert body["member_count"] == 1
    mofa = session(desk_officer).get(f"{BASE}/organisations/mofa").json()
    assert [child["code"] for child in mofa["children"]] == ["emb-tokyo"]


def test_partner_sees_only_itself_and_the_ministry(
    japan_partner: User, ministry: Organisation, mission_tokyo: Organisation
) -> None:
    client = session(japan_partner)
    codes = {item["code"] for item in client.get(f"{BASE}/organisations").json()["items"]}
    assert codes == {"mofa", "partner-mofa-japan"}
    assert_problem(client.get(f"{BASE}/organisations/emb-tokyo"), 404)
    assert client.get(f"{BASE}/organisations/mofa").json()["children"] == []  # missions stay hidden


def test_internal_user_cannot_reach_confidential_report(
    desk_officer: User, internal_report: PostReport, confidential_report: PostReport
) -> None:
    client = session(desk_officer)  # INTERNAL, Tokyo
    listed = {item["id"] for item in client.get(f"{BASE}/reports").json()["items"]}
    assert listed == {internal_report.pk}
    hidden = assert_problem(client.get(f"{BASE}/reports/{confidential_report.pk}"), 404)
    missing = assert_problem(client.get(f"{BASE}/reports/999999"), 404)
    assert hidden["detail"] == missing["detail"]
    assert hidden["title"] == missing["title"]


def test_report_detail_returns_body_and_markings_and_audits(hq_desk: User, confidential_report: PostReport) -> None:
    body = session(hq_desk).get(f"{BASE}/reports/{confidential_report.pk}").json()
    assert body["body"] == confidential_report.body
    assert body["classification"] == Classification.CONFIDENTIAL
    assert body["compartments"] == ["south-china-sea"]
    assert body["mission_code"] == "emb-tokyo"
    assert body["author"] == "tokyo-officer"
    event = AuditEvent.objects.get(action="missions.report_viewed")
    assert event.classification == Classification.CONFIDENTIAL
    assert confidential_report.body not in str(event.detail)


def test_report_list_has_no_bodies(hq_desk: User, internal_report: PostReport) -> None:
    items = session(hq_desk).get(f"{BASE}/reports").json()["items"]
    assert [item["id"] for item in items] == [internal_report.pk]
    assert "body" not in items[0]


def test_partner_lists_only_what_is_shared_with_it(
    japan_partner: User, asean_partner: User, shared_report: PostReport, internal_report: PostReport
) -> None:
    japan = {item["id"] for item in session(japan_partner).get(f"{BASE}/reports").json()["items"]}
    assert japan == {shared_report.pk}
    assert session(asean_partner).get(f"{BASE}/reports").json()["items"] == []
    assert_problem(session(asean_partner).get(f"{BASE}/reports/{shared_report.pk}"), 404)


def test_create_report(tokyo_officer: User, partner_japan: Organisation) -> None:
    payload = {
        "title_en": "Note",
        "title_vi": "Ghi chú",
        "body": "Text",
        "classification": 10,
        "tlp": "GREEN",
        "shared_with": ["partner-mofa-japan"],
    }
    response = session(tokyo_officer).post(f"{BASE}/reports", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    report = PostReport.objects.get(pk=body["id"])
    assert report.mission.code == "emb-tokyo"
    assert body["shared_with"] == ["partner-mofa-japan"]
    assert body["tlp"] == "GREEN"


@pytest.mark.parametrize(
    "payload",
    [
        {"title_en": "", "title_vi": "x", "body": "x"},
        {"title_en": "x", "title_vi": "x", "body": "x", "classification": 15},
        {"title_en": "x", "title_vi": "x", "body": "x", "tlp": "PURPLE"},
        {"title_en": "x", "title_vi": "x", "body": "x", "compartments": ["nope"]},
        {"title_en": "x", "title_vi": "x", "body": "x", "shared_with": ["partner-mofa-japan"]},  # RED
        {"title_en": "x", "title_vi": "x"},
    ],
)
def test_create_report_rejects_bad_input_with_422(
    tokyo_officer: User, partner_japan: Organisation, payload: dict[str, Any]
) -> None:
    response = session(tokyo_officer).post(f"{BASE}/reports", payload, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"]
    assert not PostReport.objects.exists()


def test_create_report_above_clearance_is_403(tokyo_officer: User, hq_desk: User) -> None:
    payload = {"title_en": "x", "title_vi": "x", "body": "x", "classification": 30}
    assert_problem(session(tokyo_officer).post(f"{BASE}/reports", payload, content_type="application/json"), 403)
    payload["classification"] = 10
    assert_problem(session(hq_desk).post(f"{BASE}/reports", payload, content_type="application/json"), 403)
    assert not PostReport.objects.exists()


def test_token_scopes_narrow_the_missions_api(tokyo_officer: User, internal_report: PostReport) -> None:
    enable_totp(tokyo_officer)
    read_only = api_token_create(actor=actor_of(tokyo_officer), name="read", scopes=["missions:read"], lifetime_days=1)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {read_only.secret}"}
    client = Client()
    assert client.get(f"{BASE}/reports/{internal_report.pk}", **headers).status_code == 200
    payload = {"title_en": "x", "title_vi": "x", "body": "x"}
    assert_problem(client.post(f"{BASE}/reports", payload, content_type="application/json", **headers), 403)
    other = api_token_create(actor=actor_of(tokyo_officer), name="other", scopes=["audit:read"], lifetime_days=1)
    listed = client.get(f"{BASE}/reports", HTTP_AUTHORIZATION=f"Bearer {other.secret}").json()
    assert listed["items"] == []
    assert_problem(client.get(f"{BASE}/reports/{internal_report.pk}", HTTP_AUTHORIZATION=f"Bearer {other.secret}"), 404)
    assert not PostReport.objects.filter(title_en="x").exists()
