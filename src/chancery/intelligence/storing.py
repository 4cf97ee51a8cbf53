"""Storing one enriched item (inside the caller's transaction): the row, its mentions, enrichment and index entry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chancery.intelligence import search
from chancery.intelligence.models import Enrichment, IndicatorValue, Item, Mention, Source

if TYPE_CHECKING:
    from chancery_analytics.ingest.base import RawItem
    from chancery_analytics.pipeline import Annotation

MAX_TEXT_CHARS = 1_000_000
MAX_TITLE_CHARS = 1000


def aware(moment: datetime | None) -> datetime | None:
    """Return ``moment`` timezone-aware (a naive time is taken as UTC), or None."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def enrichment_fields(annotation: Annotation) -> dict[str, Any]:
    """Return the Enrichment columns for an annotation."""
    return {
        "sentiment": annotation.sentiment,
        "sentiment_score": float(annotation.sentiment_score),
        "event_class": annotation.event_class,
        "event_intensity": float(annotation.event_intensity),
        "political": bool(annotation.political),
        "topic": annotation.topic,
        "model_versions": dict(annotation.models),
    }


def mentions_replace(item: Item, annotation: Annotation) -> None:
    """Replace the item's country mentions with the annotation's (``countries_about`` marked as about)."""
    Mention.objects.filter(item=item).delete()
    about = set(annotation.countries_about)
    countries = list(dict.fromkeys([*annotation.countries, *annotation.countries_about]))
    Mention.objects.bulk_create(
        [Mention(item=item, country=code[:3].upper(), about=code in about) for code in countries if code]
    )


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _indicator(item: Item, raw: RawItem, countries: list[str]) -> None:
    extra = dict(raw.extra)
    country = str(extra.get("country") or extra.get("iso3") or (countries[0] if countries else ""))[:3].upper()
    IndicatorValue.objects.create(
        item=item,
        series=str(extra.get("series") or extra.get("indicator") or raw.title)[:200],
        country=country,
        period=str(extra.get("period") or extra.get("date") or (raw.published.date() if raw.published else ""))[:32],
        value=_float(extra.get("value")),
        unit=str(extra.get("unit") or "")[:100],
    )


def item_store(*, source: Source, raw: RawItem, digest: str, annotation: Annotation) -> Item:
    """Create the item, its mentions, enrichment, indicator value (for indicators) and index entry.

    Needs an open transaction (the caller's), a checked ``raw`` item and its annotation; emits nothing.
    """
    item = Item.objects.create(
        source=source,
        kind=raw.kind if raw.kind in {"article", "social", "event", "indicator"} else "article",
        external_id=raw.external_id[:500],
        url=(raw.url or "")[:2000],
        title=raw.title[:MAX_TITLE_CHARS],
        text=raw.text,
        author=(raw.author or "")[:300],
        published_at=aware(raw.published),
        lang=annotation.lang[:8],
        content_hash=digest,
        extra={k: v for k, v in dict(raw.extra).items() if isinstance(v, str | int | float | bool | None)},
    )
    mentions_replace(item, annotation)
    Enrichment.objects.create(item=item, **enrichment_fields(annotation))
    if item.kind == "indicator":
        _indicator(item, raw, list(annotation.countries))
    search.item_index(item_id=item.pk, title=item.title, text=item.text)
    return item
