"""Search: diacritic-insensitive full text and every filter, on the SQLite and PostgreSQL code paths."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.identity.models import User
from chancery.intelligence import search
from chancery.intelligence.models import Enrichment, Source
from chancery.intelligence.selectors import ItemFilters, item_search
from chancery.intelligence.services import items_ingest
from tests.conftest import actor_of
from tests.intelligence.conftest import CONFLICT_TEXT, EN_TEXT, VI_TEXT, raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(analyst: User) -> None:
    items_ingest(
        actor=actor_of(analyst),
        items=[
            raw("vi", VI_TEXT, title="Hợp tác Việt - Nhật", published=datetime(2026, 11, 1, 8, tzinfo=UTC)),
            raw("en", EN_TEXT, title="Japan, Viet Nam sign deal", published=datetime(2026, 11, 10, 8, tzinfo=UTC)),
            raw(
                "war",
                CONFLICT_TEXT,
                title="Fighting in Tigray",
                source="test:other",
                published=datetime(2026, 11, 20, 8, tzinfo=UTC),
            ),
        ],
    )


def _ids(user: User, **filters: object) -> set[str]:
    found = item_search(actor=actor_of(user), filters=ItemFilters(**filters))  # type: ignore[arg-type]
    return set(found.values_list("external_id", flat=True))


def test_search_ignores_diacritics_and_case(corpus: None, analyst: User) -> None:
    assert _ids(analyst, q="bien dong") == {"vi"}
    assert _ids(analyst, q="BIỂN ĐÔNG") == {"vi"}
    assert _ids(analyst, q="Ha Noi") == {"vi"}
    assert _ids(analyst, q="agreements") == {"en"}  # stemmed like the vault's search
    assert _ids(analyst, q="tigray fighting") == {"war"}
    assert _ids(analyst, q="tigray hanoi") == set()  # every word must match


def test_filters(corpus: None, analyst: User) -> None:
    assert _ids(analyst, lang="vi") == {"vi"}
    assert _ids(analyst, country="eth") == {"war"}
    assert "war" not in _ids(analyst, country="JPN")
    assert _ids(analyst, date_from=date(2026, 11, 5), date_to=date(2026, 11, 10)) == {"en"}
    source = Source.objects.get(key="test:other")
    assert _ids(analyst, source_id=source.pk) == {"war"}
    war = Enrichment.objects.get(item__external_id="war")
    assert "war" in _ids(analyst, tone=war.sentiment, event_class=war.event_class, topic=war.topic)
    other_topics = [t for t in ("health", "energy") if t != war.topic]
    assert "war" not in _ids(analyst, topic=other_topics[0])


def test_readers_only(corpus: None, partner_user: User, other_mission_officer: User) -> None:
    assert _ids(partner_user) == set()
    assert _ids(other_mission_officer) == {"vi", "en", "war"}


def test_postgresql_query_uses_plain_tsquery() -> None:
    sql, params = (
        search.matching_ids(["bien", "dong"], vendor="postgresql").sql,
        search.matching_ids(["bien", "dong"], vendor="postgresql").params,
    )
    assert "plainto_tsquery('simple', %s)" in sql
    assert list(params) == ["bien dong"]
    assert "MATCH" in search.matching_ids(["x"], vendor="sqlite").sql


def test_fts5_expression_quotes_every_word() -> None:
    assert search.fts5_match(["bien", "dong"]) == '"bien" AND "dong"'
    assert search.fts5_match(['a"b']) == '"ab"'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_any_query_text_is_safe(analyst: User, query: str) -> None:
    """Outside input: no query string makes the index raise (FTS5 operators, quotes, NUL, any script)."""
    list(item_search(actor=actor_of(analyst), filters=ItemFilters(q=query))[:5])
    assert len(search.query_terms(query)) <= search.MAX_QUERY_TERMS


def test_index_follows_the_vendor(corpus: None) -> None:
    table = "intelligence_search"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] == 3
