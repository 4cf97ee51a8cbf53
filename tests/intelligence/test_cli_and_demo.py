"""``chancery intel ingest|enrich`` and the demo seed (corpus, feed fixture, watchlists, alerts, briefs)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from chancery.cli import main
from chancery.identity.models import User
from chancery.intelligence import demo
from chancery.intelligence.models import Alert, Brief, Enrichment, Item, Source
from chancery.intelligence.selectors import country_overview
from chancery.missions.models import Organisation
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.intelligence.conftest import EN_TEXT, VI_TEXT

pytestmark = pytest.mark.django_db


def test_ingest_command_stores_good_lines_and_reports_bad_ones(tmp_path: Path, capsys: Any) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": "1", "text": EN_TEXT, "title": "Deal"}) + "\n"
        "{not json\n" + json.dumps({"id": "2", "text": VI_TEXT}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert main(["intel", "ingest", str(batch)]) == 1
    captured = capsys.readouterr()
    assert "Skipped line 2" in captured.err
    assert "2 item(s) stored, 0 already stored, 1 skipped." in captured.out
    assert Item.objects.count() == 2
    assert main(["intel", "ingest", str(batch)]) == 1  # the bad line again; the good ones are no-ops
    assert "0 item(s) stored, 2 already stored" in capsys.readouterr().out
    assert main(["intel", "ingest", str(tmp_path / "missing.jsonl")]) == 2


def test_enrich_command(tmp_path: Path, capsys: Any) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "1", "text": EN_TEXT}) + "\n", encoding="utf-8")
    main(["intel", "ingest", str(batch)])
    Enrichment.objects.update(topic="disasters")
    assert main(["intel", "enrich"]) == 0
    assert "1 item(s) re-enriched." in capsys.readouterr().out
    assert not Enrichment.objects.filter(topic="disasters").exists()


@pytest.fixture
def demo_people(ministry: Organisation, mission_tokyo: Organisation) -> list[User]:
    northeast = OrganisationFactory(code="dept-northeast-asia", kind="department", parent=ministry)
    economic = OrganisationFactory(code="dept-economic", kind="department", parent=ministry)
    return [
        UserFactory(username="analyst", role="analyst", organisation=economic),
        UserFactory(username="desk", role="desk_officer", organisation=northeast),
        UserFactory(username="tokyo", role="mission_officer", organisation=mission_tokyo),
    ]


def test_demo_seed_fills_feed_countries_alerts_and_briefs(demo_people: list[User]) -> None:
    today = date(2026, 11, 28)
    demo.intelligence_demo_seed(today=today)
    assert Item.objects.filter(source__key="demo:vntc").count() == 240
    assert Item.objects.filter(source__key="demo:ucdp").count() == 145  # 147 rows, two repeat others word for word
    assert Item.objects.filter(source__key=demo.feed_url()).count() == 15  # the RSS fixture, read from its file
    assert Source.objects.get(key=demo.feed_url()).enabled
    newest = Item.objects.filter(source__key="demo:ucdp").order_by("-published_at").first()
    assert newest is not None
    assert newest.published_at is not None
    assert newest.published_at.date() == today - timedelta(days=1)  # the corpus ends the day before
    spikes = Alert.objects.filter(kind="spike")
    assert spikes.filter(subject="country:ETH", measure="volume").exists()  # the Tigray war, November 2020
    assert Alert.objects.filter(kind="watch", owner=demo_people[0]).exists()  # the analyst's Horn of Africa list
    brief = Brief.objects.get(unit__code="emb-tokyo", day=today - timedelta(days=1))
    assert "JPN" in brief.countries
    overview = country_overview(actor=actor_of(demo_people[0]), code="ETH", today=today)
    assert sum(point.count for point in overview.days) > 100
    before = Item.objects.count()
    demo.intelligence_demo_seed(today=today)  # idempotent
    assert Item.objects.count() == before
    assert Alert.objects.filter(kind="spike").count() == spikes.count()
