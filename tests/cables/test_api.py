"""The cables API at /api/v1/cables: the whole flow, problem+json on bad input, hiding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.cables.models import Cable
from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cables"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def session(user: User) -> Client:
    from allauth.mfa.utils import is_mfa_enabled

    if user.mfa_required and not is_mfa_enabled(user):
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": "Rice export quotas",
        "classification": Classification.CONFIDENTIAL,
        "precedence": "NIACT IMMEDIATE",
        "paragraphs": [
            {"classification": Classification.INTERNAL, "text": "Summary."},
            {"classification": Classification.CONFIDENTIAL, "text": "Details."},
        ],
        "action": ["emb-paris"],
        "clearers": ["dept-asia"],
        "tags": ["ETRD", "ECON"],
    }
    body.update(overrides)
    return body


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_anonymous_gets_401(client: Client) -> None:
    _problem(client.get(f"{BASE}/"), 401)


def test_full_flow(drafter: User, clearer: User, approver: User, recipient: User) -> None:
    created = session(drafter).post(f"{BASE}/", _payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    cable_id = created.json()["cable"]["id"]
    assert created.json()["paragraphs"][1] == {"number": 2, "classification": 20, "text": "Details."}
    assert session(drafter).post(f"{BASE}/{cable_id}/submit").json()["cable"]["state"] == "in_clearance"
    assert session(clearer).post(f"{BASE}/{cable_id}/clear").json()["cable"]["state"] == "cleared"
    released = session(approver).post(f"{BASE}/{cable_id}/release").json()
    assert released["cable"]["reference"] == "EMB-TOKYO 000001"
    assert len(released["content_sha256"]) == 64
    inbox = session(recipient).get(f"{BASE}/", {"box": "inbox"}).json()
    assert [item["id"] for item in inbox["items"]] == [cable_id]
    acknowledged = session(recipient).post(f"{BASE}/{cable_id}/acknowledge").json()
    assert acknowledged["cable"]["state"] == "acknowledged"
    assert acknowledged["addressees"][0]["acknowledged_at"] is not None
    hits = session(recipient).get(f"{BASE}/search", {"q": "rice"}).json()
    assert [hit["cable"]["id"] for hit in hits] == [cable_id]


def test_bad_input_is_problem_json_and_nothing_stored(drafter: User) -> None:
    client = session(drafter)
    high = _payload(classification=Classification.INTERNAL)
    body = _problem(client.post(f"{BASE}/", high, content_type="application/json"), 422)
    assert "paragraphs" in str(body)
    _problem(client.post(f"{BASE}/", _payload(subject=""), content_type="application/json"), 422)
    _problem(client.post(f"{BASE}/", {"subject": "x"}, content_type="application/json"), 422)
    assert Cable.objects.count() == 0


def test_release_by_non_approver_is_403_and_nothing_sent(drafter: User, clearer: User, recipient: User) -> None:
    cable_id = (
        session(drafter).post(f"{BASE}/", _payload(clearers=[]), content_type="application/json").json()["cable"]["id"]
    )
    session(drafter).post(f"{BASE}/{cable_id}/submit")
    _problem(session(drafter).post(f"{BASE}/{cable_id}/release"), 403)
    cable = Cable.objects.get(pk=cable_id)
    assert cable.number is None
    assert cable.deliveries.count() == 0


def test_hidden_cable_is_404(drafter: User, outsider: User) -> None:
    cable_id = session(drafter).post(f"{BASE}/", _payload(), content_type="application/json").json()["cable"]["id"]
    _problem(session(outsider).get(f"{BASE}/{cable_id}"), 404)


def test_saved_searches(recipient: User, outsider: User) -> None:
    client = session(recipient)
    created = client.post(f"{BASE}/searches", {"query": "rice"}, content_type="application/json")
    assert created.status_code == 201
    search_id = created.json()["id"]
    assert [s["query"] for s in client.get(f"{BASE}/searches").json()] == ["rice"]
    assert session(outsider).get(f"{BASE}/searches").json() == []
    _problem(session(outsider).post(f"{BASE}/searches/{search_id}/delete"), 404)
    assert client.post(f"{BASE}/searches/{search_id}/delete").status_code == 204
    assert client.get(f"{BASE}/searches").json() == []
