"""Pages: feed with filters and export, item, country with charts and table, watchlists, alerts, brief, sources."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chancery.identity.models import User
from chancery.intelligence.alerting import watchlist_create
from chancery.intelligence.briefing import brief_generate
from chancery.intelligence.models import Item, Watchlist
from chancery.intelligence.services import items_ingest
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from tests.conftest import actor_of, enable_totp
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    from allauth.mfa.utils import is_mfa_enabled

    if user.mfa_required and not is_mfa_enabled(user):
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stored(analyst: User) -> None:
    now = timezone.now().astimezone(UTC).replace(hour=9)
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("vi", VI_TEXT, title="Hợp tác Việt - Nhật", published=now - timedelta(days=2)),
            raw("en", EN_TEXT, title="=cmd|' /C calc'!A0", published=now - timedelta(days=1)),
            raw("war", CONFLICT_TEXT, title="Fighting in Tigray", published=now, url="https://news.example/war"),
        ],
    )


def test_feed_lists_searches_and_is_in_the_navigation(stored: None, desk_officer: User) -> None:
    client = _client(desk_officer)
    page = client.get("/intelligence/").content.decode()
    assert "Fighting in Tigray" in page
    assert 'href="/intelligence/"' in page  # navigation entry
    found = client.get("/intelligence/", {"q": "bien dong"}).content.decode()
    assert "Hợp tác Việt - Nhật" in found
    assert "Fighting in Tigray" not in found
    filtered = client.get("/intelligence/", {"country": "ETH"}).content.decode()
    assert "Fighting in Tigray" in filtered
    assert "Hợp tác Việt - Nhật" not in filtered


def test_feed_query_count_does_not_grow_with_items(stored: None, desk_officer: User, analyst: User) -> None:
    client = _client(desk_officer)
    client.get("/intelligence/")
    with CaptureQueriesContext(connection) as few:
        client.get("/intelligence/")
    items_ingest(actor=actor_of(analyst), items=[raw(f"more-{n}", f"{EN_TEXT} Extra {n}.") for n in range(5)])
    with CaptureQueriesContext(connection) as many:
        client.get("/intelligence/")
    assert len(many) == len(few)


def test_partner_and_anonymous_are_refused(stored: None, partner_user: User, client: Client) -> None:
    assert _client(partner_user).get("/intelligence/").status_code == 403
    assert _client(partner_user).get("/intelligence/countries/ETH/").status_code == 403
    assert client.get("/intelligence/").status_code == 302


def test_item_page_names_the_models(stored: None, desk_officer: User) -> None:
    item = Item.objects.get(external_id="war")
    page = _client(desk_officer).get(f"/intelligence/items/{item.pk}/").content.decode()
    assert "Machine enrichment" in page
    assert "topic-lexicon@" in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_country_page_has_charts_and_a_table(stored: None, desk_officer: User) -> None:
    page = _client(desk_officer).get("/intelligence/countries/ETH/").content.decode()
    assert page.count('<svg class="chart" role="img"') == 2
    assert '<title id="volume-chart-title">' in page
    assert "<caption>Stories and mean tone per day" in page
    assert "Fighting in Tigray" in page
    assert "<script" not in page
    assert _client(desk_officer).get("/intelligence/countries/ZZZ/").status_code == 404


def test_country_page_in_vietnamese(stored: None, desk_officer: User) -> None:
    client = _client(desk_officer)
    page = client.get("/intelligence/countries/VNM/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<svg class="chart"' in page
    assert 'lang="vi"' in page


def test_export_csv_and_json_with_filters(stored: None, desk_officer: User) -> None:
    client = _client(desk_officer)
    response = client.get("/intelligence/export.csv", {"lang": "en"})
    assert response["Content-Disposition"] == 'attachment; filename="intelligence.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["title"] for row in rows} == {"'=cmd|' /C calc'!A0", "Fighting in Tigray"}  # formula neutralised
    assert all(row["sentiment"] in {"negative", "neutral", "positive"} for row in rows)
    data = json.loads(client.get("/intelligence/export.json", {"country": "ETH"}).content)
    assert [row["title"] for row in data] == ["Fighting in Tigray"]
    assert "ETH" in data[0]["countries"]
    assert client.get("/intelligence/export.xml").status_code == 404


def test_watchlist_pages(desk_officer: User, analyst: User) -> None:
    client = _client(desk_officer)
    response = client.post(
        "/intelligence/watchlists/", {"name": "East Sea", "keywords": "Biển Đông, ASEAN", "countries": "vnm"}
    )
    assert response.status_code == 302
    watchlist = Watchlist.objects.get(owner=desk_officer)
    assert watchlist.keywords == ["Biển Đông", "ASEAN"]
    bad = client.post("/intelligence/watchlists/", {"name": "Bad", "countries": "QQQ"})
    assert bad.status_code == 400
    assert "Unknown ISO 3166 alpha-3 codes: QQQ" in bad.content.decode()
    other = watchlist_create(actor=actor_of(analyst), name="Analyst's", countries=["ETH"])
    assert client.get(f"/intelligence/watchlists/{other.pk}/").status_code == 404
    assert client.post(f"/intelligence/watchlists/{other.pk}/delete/").status_code == 404
    assert client.post(f"/intelligence/watchlists/{watchlist.pk}/delete/").status_code == 302
    assert not Watchlist.objects.filter(owner=desk_officer).exists()


def test_alerts_page_says_why(desk_officer: User, analyst: User) -> None:
    watchlist_create(actor=actor_of(desk_officer), name="Horn", countries=["ETH"])
    items_ingest(actor=actor_of(analyst), items=[raw("war", CONFLICT_TEXT, title="Fighting in Tigray")])
    client = _client(desk_officer)
    page = client.get("/intelligence/alerts/").content.decode()
    assert "Watchlist “Horn”: 1 new matching item(s)" in page
    assert "Fighting in Tigray" in page
    assert "Analyst" not in _client(analyst).get("/intelligence/alerts/").content.decode()


def test_brief_page(stored: None, desk_officer: User, mission_tokyo: Organisation, other_mission_officer: User) -> None:
    brief_generate(
        actor=Actor.system(purpose="t"), unit_code=mission_tokyo.code, day=timezone.now().astimezone(UTC).date()
    )
    page = _client(desk_officer).get("/intelligence/brief/").content.decode()
    assert "Daily brief" in page
    assert "JPN" in page
    assert "Hợp tác" not in page  # published two days ago: not in today's brief
    other = _client(other_mission_officer).get("/intelligence/brief/", {"unit": mission_tokyo.code}).content.decode()
    heading = other.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "emb-paris" in heading  # another desk's brief is not offered: the reader's own is shown
    assert "emb-tokyo" not in heading


def test_sources_page_for_administrators_only(analyst: User, desk_officer: User) -> None:
    assert _client(desk_officer).get("/intelligence/sources/").status_code == 403
    client = _client(analyst)
    response = client.post(
        "/intelligence/sources/",
        {"name": "Feed", "kind": "rss", "url": "https://news.example/feed.xml", "poll_minutes": 30},
    )
    assert response.status_code == 302
    bad = client.post(
        "/intelligence/sources/", {"name": "F", "kind": "rss", "url": "file:///etc/passwd", "poll_minutes": 30}
    )
    assert bad.status_code == 400, bad.get("Location")
    assert "Only http and https URLs can be polled." in bad.content.decode()
    assert "news.example" in client.get("/intelligence/sources/").content.decode()
