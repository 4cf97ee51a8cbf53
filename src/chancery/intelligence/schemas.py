"""API schemas for intelligence (one in/out shape per operation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from chancery.intelligence.models import Item


class EnrichmentOut(Schema):
    """What the models said about an item, and which models said it."""

    sentiment: str
    sentiment_score: float
    event_class: str
    event_intensity: float
    political: bool
    topic: str
    models: dict[str, str] = Field(alias="model_versions")


class ItemOut(Schema):
    """One stored item with its enrichment and country mentions (INTERNAL, TLP:AMBER)."""

    id: int
    source: str = Field(alias="source.name")
    kind: str
    url: str
    title: str
    text: str
    published_at: datetime | None
    fetched_at: datetime
    lang: str
    content_hash: str
    countries: list[str]
    countries_about: list[str]
    enrichment: EnrichmentOut | None

    @staticmethod
    def resolve_countries(obj: Item) -> list[str]:
        """Every country the item refers to."""
        return [m.country for m in obj.mentions.all()]

    @staticmethod
    def resolve_countries_about(obj: Item) -> list[str]:
        """The countries it is mainly about."""
        return [m.country for m in obj.mentions.all() if m.about]

    @staticmethod
    def resolve_enrichment(obj: Item) -> Any:
        """The enrichment, when the item has one."""
        return getattr(obj, "enrichment", None)


class DayPointOut(Schema):
    """A day of a country's coverage."""

    day: date
    count: int
    tone: float | None


class CountryOut(Schema):
    """A country's overview: daily volume and tone over 90 days, top stories and events (ids)."""

    code: str
    name: str
    total: int
    about: int
    days: list[DayPointOut]
    top_story_ids: list[int]
    event_ids: list[int]


class WatchlistIn(Schema):
    """A watchlist's fields."""

    name: str = Field(max_length=200)
    countries: list[str] = Field(default_factory=list, max_length=50)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    people: list[str] = Field(default_factory=list, max_length=50)
    organisations: list[str] = Field(default_factory=list, max_length=50)
    email: bool = False


class WatchlistOut(WatchlistIn):
    """A stored watchlist."""

    id: int
    created_at: datetime


class AlertOut(Schema):
    """An alert with why it fired (figures or matches) and the ids of its stories."""

    id: int
    kind: str
    subject: str
    measure: str
    day: date | None
    figures: dict[str, Any]
    item_ids: list[int]
    created_at: datetime
    read_at: datetime | None


class SourceIn(Schema):
    """A polled source."""

    name: str = Field(max_length=200)
    kind: str
    url: str = Field(max_length=2000)
    poll_minutes: int = 60
    allow_full_text: bool = False
    enabled: bool = True


class SourceOut(Schema):
    """A source and its polling state."""

    id: int
    name: str
    kind: str
    url: str
    enabled: bool
    poll_minutes: int
    allow_full_text: bool
    last_polled_at: datetime | None
    last_error: str


class SkippedOut(Schema):
    """A record that was not stored, and why."""

    position: str
    reason: str


class IngestOut(Schema):
    """What a poll or a batch did."""

    stored: int
    duplicates: int
    skipped: list[SkippedOut]
    error: str


class BriefClusterOut(Schema):
    """One group of near-duplicate stories in a brief."""

    lead_id: int
    title: str
    size: int
    item_ids: list[int]
    countries: list[str]
    links: list[dict[str, Any]]


class BriefOut(Schema):
    """A desk's daily brief."""

    unit: str = Field(alias="unit.code")
    day: date
    countries: list[str]
    clusters: list[BriefClusterOut]
    created_at: datetime
