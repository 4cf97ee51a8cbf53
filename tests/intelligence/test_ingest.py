"""Ingesting batches: storage with enrichment, no-op re-ingestion, bad records skipped, nothing half-stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.intelligence import storing
from chancery.intelligence.models import Enrichment, IndicatorValue, Item, Mention, Source
from chancery.intelligence.services import items_enrich, items_ingest
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from chancery_analytics.ingest.base import Rejected
from tests.conftest import actor_of
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="test")


def test_items_are_stored_with_enrichment_mentions_and_models(analyst: User) -> None:
    result = items_ingest(
        actor=actor_of(analyst),
        items=[raw("a1", VI_TEXT, title="Việt Nam - Nhật Bản"), raw("a2", EN_TEXT, title="Japan and Viet Nam")],
    )
    assert len(result.stored) == 2
    assert result.duplicates == 0
    assert result.skipped == []
    item = Item.objects.get(external_id="a1")
    assert item.lang == "vi"
    assert item.source.key == "test:batch"
    assert len(item.content_hash) == 64
    enrichment = Enrichment.objects.get(item=item)
    assert enrichment.sentiment in {"negative", "neutral", "positive"}
    assert set(enrichment.model_versions) >= {"sentiment", "event", "topic", "countries"}
    countries = set(Mention.objects.filter(item=item).values_list("country", flat=True))
    assert {"VNM", "JPN"} <= countries
    assert Item.objects.get(external_id="a2").lang == "en"
    event = AuditEvent.objects.filter(action="intelligence.ingested").latest("pk")
    assert event.detail == {"stored": 2, "duplicates": 0, "skipped": 0}


def test_reingesting_is_a_no_op(analyst: User) -> None:
    items_ingest(actor=actor_of(analyst), items=[raw("a1", EN_TEXT, title="T")])
    again = items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("a1", EN_TEXT, title="T"),  # same source and id
            raw("other-id", "  " + EN_TEXT.upper() + " ", title="t", source="test:elsewhere"),  # same content
        ],
    )
    assert again.stored == []
    assert again.duplicates == 2
    assert Item.objects.count() == 1
    assert Enrichment.objects.count() == 1


def test_bad_records_are_reported_and_the_rest_stored(analyst: User) -> None:
    result = items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("good-1", EN_TEXT),
            Rejected(source="test:batch", position="line 2", reason="not valid JSON"),
            raw("empty", "   "),
            raw("nul", "text with \x00 inside"),
            raw("huge", "x" * (storing.MAX_TEXT_CHARS + 1)),
            raw("good-2", CONFLICT_TEXT),
        ],
    )
    assert len(result.stored) == 2
    reasons = {s.position: s.reason for s in result.skipped}
    assert reasons["line 2"] == "not valid JSON"
    assert reasons["3"] == "no text"
    assert "NUL" in reasons["4"]
    assert "longer than" in reasons["5"]
    assert set(Item.objects.values_list("external_id", flat=True)) == {"good-1", "good-2"}


def test_a_failure_while_storing_leaves_nothing_of_that_item(analyst: User, monkeypatch: Any) -> None:
    real_create = Enrichment.objects.create

    def failing(**kwargs: Any) -> Enrichment:
        if kwargs["item"].external_id == "broken":
            raise DatabaseError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(Enrichment.objects, "create", failing)
    result = items_ingest(
        actor=actor_of(analyst), items=[raw("one", EN_TEXT), raw("broken", CONFLICT_TEXT), raw("three", VI_TEXT)]
    )
    assert [s.reason for s in result.skipped] == ["storage failed (DatabaseError)"]
    assert set(Item.objects.values_list("external_id", flat=True)) == {"one", "three"}
    assert not Mention.objects.filter(item__external_id="broken").exists()
    assert Enrichment.objects.count() == 2


def test_enrichment_failure_skips_the_item(analyst: User) -> None:
    class Broken:
        def annotate(self, record: Any) -> Any:
            raise ValueError("bad model")

    result = items_ingest(actor=actor_of(analyst), items=[raw("x", EN_TEXT)], pipeline=Broken())  # type: ignore[arg-type]
    assert result.stored == []
    assert result.skipped[0].reason == "enrichment failed (ValueError)"
    assert not Item.objects.exists()


def test_indicator_items_keep_their_value(analyst: User) -> None:
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw(
                "wb-VNM-2023",
                "GDP (current US$), Viet Nam, 2023: 429717000000",
                title="GDP (current US$) — Viet Nam 2023",
                kind="indicator",
                extra={"series": "NY.GDP.MKTP.CD", "country": "VNM", "period": "2023", "value": "429717000000"},
            )
        ],
    )
    value = IndicatorValue.objects.get()
    assert (value.series, value.country, value.period, value.value) == ("NY.GDP.MKTP.CD", "VNM", "2023", 429717000000.0)


def test_only_administrators_and_analysts_ingest(desk_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        items_ingest(actor=actor_of(desk_officer), items=[raw("a", EN_TEXT)])
    assert not Item.objects.exists()
    assert not Source.objects.exists()


def test_reenrichment_replaces_enrichment(analyst: User) -> None:
    items_ingest(actor=actor_of(analyst), items=[raw("a", EN_TEXT), raw("b", VI_TEXT)])
    Enrichment.objects.update(topic="disasters", sentiment="negative")
    Mention.objects.all().delete()
    seen: list[int] = []
    assert items_enrich(actor=SYSTEM, on_progress=seen.append) == 2
    assert seen == [1, 2]
    assert not Enrichment.objects.filter(topic="disasters").exists()
    assert Mention.objects.filter(country="JPN").count() == 2
