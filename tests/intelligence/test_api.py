"""The intelligence API: search with filters, items, countries, watchlists, alerts, briefs and sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.identity.models import User
from chancery.intelligence.briefing import brief_generate
from chancery.intelligence.models import Item
from chancery.intelligence.services import items_ingest
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from tests.api.conftest import bearer, issue_token
from tests.conftest import actor_of, enable_totp
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db
BASE = "/api/v1/intelligence"
MOMENT = datetime(2026, 11, 20, 9, tzinfo=UTC)


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


@pytest.fixture
def stored(analyst: User) -> None:
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("vi", VI_TEXT, title="Hợp tác Việt - Nhật", published=MOMENT),
            raw("en", EN_TEXT, title="Japan, Viet Nam sign deal", published=MOMENT),
            raw("war", CONFLICT_TEXT, title="Fighting in Tigray", published=MOMENT),
        ],
    )


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_search_and_filters(stored: None, desk_officer: User) -> None:
    client = session(desk_officer)
    body = client.get(f"{BASE}/items", {"q": "bien dong"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "Hợp tác Việt - Nhật"
    assert item["lang"] == "vi"
    assert "VNM" in item["countries"]
    assert set(item["enrichment"]["models"]) >= {"sentiment", "topic"}
    assert client.get(f"{BASE}/items", {"country": "ETH"}).json()["count"] == 1
    assert client.get(f"{BASE}/items", {"lang": "en", "limit": "1"}).json()["next"] is not None
    one = client.get(f"{BASE}/items/{item['id']}").json()
    assert one["content_hash"] == Item.objects.get(pk=item["id"]).content_hash
    _problem(client.get(f"{BASE}/items/999999"), 404)
    country = client.get(f"{BASE}/countries/ETH").json()
    assert country["code"] == "ETH"
    assert len(country["days"]) == 90


def test_partner_token_and_anonymous_refused(stored: None, partner_user: User, client: Client) -> None:
    _problem(client.get(f"{BASE}/items"), 401)
    assert session(partner_user).get(f"{BASE}/items").json()["count"] == 0  # sees nothing
    _problem(session(partner_user).get(f"{BASE}/countries/ETH"), 403)


def test_read_token_cannot_administer(stored: None, analyst: User) -> None:
    token = issue_token(analyst, ["intelligence:read"])
    client = Client()
    assert client.get(f"{BASE}/items", **bearer(token.secret)).json()["count"] == 3
    payload = {"name": "Feed", "kind": "rss", "url": "https://news.example/rss"}
    _problem(client.post(f"{BASE}/sources", payload, content_type="application/json", **bearer(token.secret)), 403)


def test_watchlists_and_alerts(desk_officer: User, analyst: User, other_mission_officer: User) -> None:
    client = session(desk_officer)
    created = client.post(f"{BASE}/watchlists", {"name": "Horn", "countries": ["ETH"]}, content_type="application/json")
    assert created.status_code == 201, created.content
    watchlist_id = created.json()["id"]
    bad = _problem(
        client.post(f"{BASE}/watchlists", {"name": "x", "countries": ["QQQ"]}, content_type="application/json"), 422
    )
    assert "countries" in bad["errors"]
    items_ingest(actor=actor_of(analyst), items=[raw("war", CONFLICT_TEXT, title="Fighting in Tigray")])
    alerts = client.get(f"{BASE}/alerts").json()
    assert alerts[0]["kind"] == "watch"
    assert len(alerts[0]["item_ids"]) == 1
    assert session(other_mission_officer).get(f"{BASE}/alerts").json() == []
    _problem(session(other_mission_officer).post(f"{BASE}/watchlists/{watchlist_id}/delete"), 404)
    assert client.post(f"{BASE}/watchlists/{watchlist_id}/delete").status_code == 204


def test_brief(stored: None, desk_officer: User, mission_tokyo: Organisation, other_mission_officer: User) -> None:
    brief_generate(actor=Actor.system(purpose="t"), unit_code=mission_tokyo.code, day=date(2026, 11, 20))
    body = session(desk_officer).get(f"{BASE}/briefs/{mission_tokyo.code}").json()
    assert body["unit"] == "emb-tokyo"
    assert body["countries"] == ["JPN"]
    assert body["clusters"]
    _problem(session(other_mission_officer).get(f"{BASE}/briefs/{mission_tokyo.code}"), 404)


def test_sources(analyst: User) -> None:
    client = session(analyst)
    created = client.post(
        f"{BASE}/sources",
        {"name": "Feed", "kind": "rss", "url": "https://news.example/rss"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert client.get(f"{BASE}/sources").json()[0]["url"] == "https://news.example/rss"
    bad = _problem(
        client.post(f"{BASE}/sources", {"name": "F", "kind": "rss", "url": "ftp://x"}, content_type="application/json"),
        422,
    )
    assert "url" in bad["errors"]
