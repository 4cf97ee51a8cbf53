"""The agreements API: listing, detail with per-party dates, writes with problem+json naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.agreements.demo import agreements_demo_seed
from chancery.agreements.models import Agreement, AgreementEvent
from chancery.identity.models import User
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agreements"


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
    return body


@pytest.fixture
def seeded(legal_department: object) -> None:
    agreements_demo_seed()


def test_anonymous_gets_401(client: Client) -> None:
    assert_problem(client.get(f"{BASE}/"), 401)


def test_list_and_detail_show_per_party_entry_into_force(treaty_officer: User, seeded: None) -> None:
    client = session(treaty_officer)
    listed = client.get(f"{BASE}/", {"country": "CL", "limit": 50}).json()
    assert {item["short_name"] for item in listed["items"]} == {"CPTPP", "VCFTA"}
    evfta = Agreement.objects.get(short_name="EVFTA")
    detail = client.get(f"{BASE}/{evfta.pk}").json()
    parties = {party["id"]: party for party in detail["parties"]}
    in_force = {
        (parties[e["party_id"]]["country_code"] or parties[e["party_id"]]["organisation_code"], e["date"])
        for e in detail["events"]
        if e["kind"] == "entry_into_force"
    }
    assert in_force == {("VN", "2020-08-01"), ("EU", "2020-08-01")}
    assert detail["agreement"]["status"] == "in_force"


def test_partner_cannot_see_other_agreements(partner_user: User, seeded: None) -> None:
    evfta = Agreement.objects.get(short_name="EVFTA")
    assert_problem(session(partner_user).get(f"{BASE}/{evfta.pk}"), 404)


def test_pipeline_lists_every_stage(treaty_officer: User, seeded: None) -> None:
    stages = session(treaty_officer).get(f"{BASE}/pipeline").json()
    assert next(column["stage"] for column in stages) == "proposed"
    signed = next(column for column in stages if column["stage"] == "signed")
    assert [a["short_name"] for a in signed["agreements"]] == ["VN-UAE CEPA"]


def test_negotiation_through_the_api(
    treaty_officer: User, other_department_officer: User, legal_department: object
) -> None:
    client = session(treaty_officer)
    created = client.post(
        f"{BASE}/",
        {
            "short_name": "VN-XX",
            "title_en": "Test FTA",
            "kind": "agreement",
            "scope": "bilateral",
            "lead_department": "dept-law",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    agreement_id = created.json()["id"]
    vn = client.post(f"{BASE}/{agreement_id}/parties", {"country_code": "VNM"}, content_type="application/json").json()
    assert vn["country_code"] == "VN"
    problem = assert_problem(
        client.post(f"{BASE}/{agreement_id}/parties", {"country_code": "VN"}, content_type="application/json"), 422
    )
    assert "country_code" in problem["errors"]
    bad = {"kind": "ratification", "party_id": vn["id"], "date": "2020-01-01", "source": "S1"}
    problem = assert_problem(client.post(f"{BASE}/{agreement_id}/events", bad, content_type="application/json"), 422)
    assert "party" in problem["errors"]
    good = {"kind": "signature", "party_id": vn["id"], "date": "2020-01-01", "source": "S1"}
    assert client.post(f"{BASE}/{agreement_id}/events", good, content_type="application/json").status_code == 201
    assert Agreement.objects.get(pk=agreement_id).status == "signed"
    other = session(other_department_officer)
    again = {**good, "source": "S2"}
    assert_problem(other.post(f"{BASE}/{agreement_id}/events", again, content_type="application/json"), 403)
    assert AgreementEvent.objects.count() == 1


def test_obligations_through_the_api(treaty_officer: User, partner_user: User, legal_department: object) -> None:
    from tests.agreements.conftest import make_agreement

    agreement = make_agreement()
    client = session(treaty_officer)
    payload = {"title": "Annual report", "department": "dept-law", "owner": "treaty", "due_date": "2020-01-31"}
    created = client.post(f"{BASE}/{agreement.pk}/obligations", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    overdue = client.get(f"{BASE}/obligations/overdue").json()
    assert [item["title"] for item in overdue["items"]] == ["Annual report"]
    bad = {**payload, "owner": "jp-partner"}
    problem = assert_problem(
        client.post(f"{BASE}/{agreement.pk}/obligations", bad, content_type="application/json"), 422
    )
    assert "owner" in problem["errors"]
    assert session(partner_user).get(f"{BASE}/obligations/overdue").json()["items"] == []
    done = client.post(f"{BASE}/obligations/{created.json()['id']}/complete")
    assert done.json()["status"] == "done"


def test_negotiation_through_the_api_keeps_sides_apart(
    treaty_officer: User, partner_user: User, legal_department: object
) -> None:
    from tests.agreements.conftest import make_agreement

    agreement = make_agreement()
    client, partner = session(treaty_officer), session(partner_user)
    base = f"{BASE}/{agreement.pk}"
    round_ = {"starts_on": "2025-02-01", "ends_on": "2025-02-03", "venue": "Tokyo", "outcome_summary": "secret-ish"}
    assert client.post(f"{base}/rounds", round_, content_type="application/json").status_code == 201
    bad = {**round_, "ends_on": "2025-01-01"}
    assert (
        "ends_on" in assert_problem(client.post(f"{base}/rounds", bad, content_type="application/json"), 422)["errors"]
    )
    position = {"issue": "Tariffs", "body": "hold", "classification": 20}
    assert client.post(f"{base}/positions", position, content_type="application/json").status_code == 201
    assert_problem(partner.post(f"{base}/positions", position, content_type="application/json"), 403)
    client.post(f"{base}/comments", {"body": "internal"}, content_type="application/json")
    assert (
        partner.post(f"{base}/comments", {"body": "ours"}, content_type="application/json").json()["side"] == "partner"
    )
    seen = partner.get(f"{base}/negotiation").json()
    assert [c["body"] for c in seen["comments"]] == ["ours"]
    assert seen["positions"] == []
    assert seen["rounds"][0]["outcome_summary"] == ""
    internal = client.get(f"{base}/negotiation").json()
    assert {c["body"] for c in internal["comments"]} == {"internal", "ours"}
    assert internal["rounds"][0]["outcome_summary"] == "secret-ish"
