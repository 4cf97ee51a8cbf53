"""Daily briefs: a desk's countries, top stories, near-duplicates grouped, links to sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chancery.identity.models import User
from chancery.intelligence.alerting import watchlist_create
from chancery.intelligence.briefing import brief_generate, briefs_generate_all
from chancery.intelligence.clustering import cluster_texts, jaccard, shingles
from chancery.intelligence.services import items_ingest
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, raw

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="test")
DAY = date(2026, 11, 20)


def test_clustering_groups_near_duplicates() -> None:
    texts = [
        "Japan and Viet Nam signed an economic cooperation agreement in Hanoi on Monday.",
        "Japan and Viet Nam signed an economic cooperation agreement in Hà Nội on Monday, officials said.",
        "Heavy fighting broke out in the Tigray region.",
    ]
    assert cluster_texts(texts) == [[0, 1], [2]]
    assert jaccard(shingles(texts[0]), shingles(texts[0])) == 1.0
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert cluster_texts([]) == []


def test_desk_brief_follows_its_country_and_groups_stories(
    analyst: User, desk_officer: User, mission_tokyo: Organisation
) -> None:
    moment = datetime(2026, 11, 20, 9, tzinfo=UTC)
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("jp-1", EN_TEXT, title="Japan, Viet Nam sign deal", published=moment, url="https://a.example/1"),
            raw(
                "jp-2",
                EN_TEXT + " Officials said more talks follow.",
                title="Japan-Viet Nam deal",
                published=moment,
                source="test:b",
            ),
            raw("eth", CONFLICT_TEXT, title="Tigray", published=moment),
            raw("old", EN_TEXT + " Last year.", title="Old", published=datetime(2026, 11, 1, tzinfo=UTC)),
        ],
    )
    brief = brief_generate(actor=SYSTEM, unit_code=mission_tokyo.code, day=DAY)
    assert brief.countries == ["JPN"]  # the mission's host country
    assert len(brief.clusters) == 1
    cluster = brief.clusters[0]
    assert cluster["size"] == 2
    assert {link["url"] for link in cluster["links"]} == {"https://a.example/1", ""}
    watchlist_create(actor=actor_of(desk_officer), name="Horn", countries=["ETH"])
    brief = brief_generate(actor=SYSTEM, unit_code=mission_tokyo.code, day=DAY)
    assert brief.countries == ["ETH", "JPN"]
    assert len(brief.clusters) == 2


def test_every_staffed_desk_gets_a_brief(analyst: User, desk_officer: User, other_mission_officer: User) -> None:
    assert briefs_generate_all(actor=SYSTEM, day=DAY) == 3  # economic department, Tokyo, Paris


def test_only_the_scheduler_and_analysts_write_briefs(desk_officer: User, mission_tokyo: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        brief_generate(actor=actor_of(desk_officer), unit_code=mission_tokyo.code, day=DAY)


def test_brief_falls_back_to_the_days_top_stories(analyst: User, mission_tokyo: Organisation) -> None:
    moment = datetime(2026, 11, 20, 9, tzinfo=UTC)
    items_ingest(actor=actor_of(analyst), items=[raw("eth", CONFLICT_TEXT, title="Tigray", published=moment)])
    brief = brief_generate(actor=SYSTEM, unit_code=mission_tokyo.code, day=DAY)
    assert brief.countries == ["JPN"]  # still the desk's own focus
    assert [cluster["title"] for cluster in brief.clusters] == ["Tigray"]  # but the day's news is not left out
    assert "JPN" not in brief.clusters[0]["countries"]


def test_schedules_register_polling_spikes_and_briefs() -> None:
    from chancery.platform.schedule import periodics

    jobs = {job.name: job for job in periodics()}
    assert {"intelligence.poll", "intelligence.spikes", "intelligence.briefs"} <= set(jobs)
    assert jobs["intelligence.poll"].every.total_seconds() == 300
