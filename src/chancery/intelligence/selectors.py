"""Reads on intelligence, scoped by the policy engine.

The feed with its filters, items, country overviews, watchlists, alerts, briefs, sources and exports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from chancery.intelligence import search
from chancery.intelligence.models import Alert, Brief, Item, Mention, Source, Watchlist
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound

EXPORT_MAX = 5000
MAX_RESULTS = 2000


@dataclass(frozen=True, slots=True)
class ItemFilters:
    """What the feed, the API and exports filter on (every field optional)."""

    q: str = ""
    country: str = ""
    topic: str = ""
    lang: str = ""
    tone: str = ""
    event_class: str = ""
    source_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return any(getattr(self, name) not in ("", None) for name in self.__slots__)


def _with_details(queryset: QuerySet[Item]) -> QuerySet[Item]:
    return queryset.select_related("enrichment", "source").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.order_by("-about", "country"))
    )


def item_search(*, actor: Actor, filters: ItemFilters) -> QuerySet[Item]:
    """Return the items the actor may read matching ``filters``, newest first (empty for non-readers).

    ``q`` is matched diacritic- and case-insensitively on every word (see :mod:`chancery.intelligence.search`).
    """
    items = access.visible(actor, "intelligence.view", Item.objects.all())
    if filters.q.strip():
        words = search.query_terms(filters.q)
        if words:
            items = items.filter(pk__in=search.matching_ids(words))
    if filters.country:
        items = items.filter(pk__in=Mention.objects.filter(country=filters.country.upper()[:3]).values("item_id"))
    if filters.topic:
        items = items.filter(enrichment__topic=filters.topic)
    if filters.lang:
        items = items.filter(lang=filters.lang.lower())
    if filters.tone:
        items = items.filter(enrichment__sentiment=filters.tone)
    if filters.event_class:
        items = items.filter(enrichment__event_class=filters.event_class)
    if filters.source_id is not None:
        items = items.filter(source_id=filters.source_id)
    if filters.date_from is not None:
        items = items.filter(published_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=UTC))
    if filters.date_to is not None:
        items = items.filter(
            published_at__lt=datetime.combine(filters.date_to, time.min, tzinfo=UTC) + timedelta(days=1)
        )
    return _with_details(items).order_by("-published_at", "-pk")


def item_get(*, actor: Actor, item_id: int) -> Item:
    """Return one item with its enrichment and mentions; NotFound when missing or not readable."""
    access.require(actor, "intelligence.view")
    item = _with_details(Item.objects.filter(pk=item_id)).first()
    if item is None:
        raise NotFound
    return item


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One day of a country's coverage: how many stories, and their mean tone (None without stories)."""

    day: date
    count: int
    tone: float | None


@dataclass(slots=True)
class CountryOverview:
    """A country's page: daily volume and tone, top stories, events and totals."""

    code: str
    name: str
    days: list[DayPoint] = field(default_factory=list)
    top_stories: list[Item] = field(default_factory=list)
    events: list[Item] = field(default_factory=list)
    total: int = 0
    about: int = 0


def country_name(code: str) -> str:
    """Return the English short name of an ISO alpha-3 code (the code itself when unknown)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    return str(country.name) if country is not None else code.upper()


def country_overview(*, actor: Actor, code: str, days: int = 90, today: date | None = None) -> CountryOverview:
    """Return the overview of one country over the ``days`` up to ``today`` (UTC); NotFound for an unknown code."""
    access.require(actor, "intelligence.view")
    code = code.upper()
    name = country_name(code)
    if name == code and not Mention.objects.filter(country=code).exists():
        raise NotFound
    last = today or timezone.now().astimezone(UTC).date()
    first = last - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last, time.min, tzinfo=UTC) + timedelta(days=1)
    mentions = Mention.objects.filter(country=code, item__published_at__gte=start, item__published_at__lt=end)
    rows = mentions.values_list("item_id", "about", "item__published_at", "item__enrichment__sentiment_score")
    counts: dict[date, int] = defaultdict(int)
    tones: dict[date, list[float]] = defaultdict(list)
    about_ids: list[int] = []
    all_ids: list[int] = []
    for item_id, about, moment, score in rows:
        if moment is None:
            continue
        day = moment.astimezone(UTC).date()
        counts[day] += 1
        all_ids.append(item_id)
        if about:
            about_ids.append(item_id)
        if score is not None:
            tones[day].append(float(score))
    overview = CountryOverview(code=code, name=name, total=len(all_ids), about=len(about_ids))
    for offset in range(days):
        day = first + timedelta(days=offset)
        values = tones.get(day)
        overview.days.append(
            DayPoint(day=day, count=counts.get(day, 0), tone=sum(values) / len(values) if values else None)
        )
    base = _with_details(Item.objects.filter(pk__in=about_ids or all_ids))
    overview.top_stories = list(base.order_by("-enrichment__political", "-published_at", "-pk")[:10])
    events = _with_details(
        Item.objects.filter(pk__in=all_ids, enrichment__event_class__in=["material_conflict", "material_cooperation"])
    )
    overview.events = list(events.order_by("-published_at", "-pk")[:10])
    return overview


def country_list(*, actor: Actor, limit: int = 40) -> list[tuple[str, str, int]]:
    """Return (code, name, mentions) of the most-covered countries, most first."""
    from django.db.models import Count

    access.require(actor, "intelligence.view")
    rows = Mention.objects.values("country").annotate(n=Count("pk")).order_by("-n", "country")[:limit]
    return [(row["country"], country_name(row["country"]), row["n"]) for row in rows]


def source_list(*, actor: Actor) -> QuerySet[Source]:
    """Return every source (readers may filter by them)."""
    if not access.can(actor, "intelligence.view"):
        return Source.objects.none()
    return Source.objects.order_by("name")


def watchlist_list(*, actor: Actor) -> QuerySet[Watchlist]:
    """Return the actor's own watchlists."""
    return access.visible(actor, "intelligence.watch", Watchlist.objects.order_by("name", "pk"))


def watchlist_get(*, actor: Actor, watchlist_id: int) -> Watchlist:
    """Return one of the actor's watchlists; NotFound for anyone else's."""
    watchlist = Watchlist.objects.filter(pk=watchlist_id).first()
    if watchlist is None:
        raise NotFound
    access.require(actor, "intelligence.watch", watchlist)
    return watchlist


def alert_list(*, actor: Actor) -> QuerySet[Alert]:
    """Return the spike alerts and the actor's own watchlist alerts, newest first, with their stories."""
    alerts = access.visible(actor, "intelligence.alerts", Alert.objects.all())
    return alerts.select_related("watchlist").prefetch_related(
        Prefetch("items", queryset=Item.objects.select_related("source", "enrichment").order_by("-published_at"))
    )


def alert_unread_count(*, actor: Actor) -> int:
    """How many of the actor's own watchlist alerts are unread."""
    if actor.user_id is None:
        return 0
    return alert_list(actor=actor).filter(owner_id=actor.user_id, read_at__isnull=True).count()


def brief_get(*, actor: Actor, unit_id: int, day: date | None = None) -> Brief | None:
    """Return a desk's brief for ``day`` (its latest when None), or None; NotFound when the actor may not read it."""
    access.require(actor, "intelligence.view_brief", unit_id)
    briefs = Brief.objects.filter(unit_id=unit_id).select_related("unit")
    if day is not None:
        briefs = briefs.filter(day=day)
    return briefs.order_by("-day").first()


def brief_items(*, actor: Actor, brief: Brief) -> dict[int, Item]:
    """Return the brief's stories by id (those still stored)."""
    access.require(actor, "intelligence.view")
    ids = [pk for cluster in brief.clusters for pk in cluster.get("item_ids", [])]
    return {item.pk: item for item in _with_details(Item.objects.filter(pk__in=ids))}


def export_rows(*, actor: Actor, filters: ItemFilters, limit: int = EXPORT_MAX) -> list[dict[str, Any]]:
    """Return up to ``limit`` matching items as flat rows (for CSV and JSON export)."""
    rows = []
    for item in item_search(actor=actor, filters=filters)[:limit]:
        enrichment = getattr(item, "enrichment", None)
        mentions = list(item.mentions.all())
        rows.append(
            {
                "id": item.pk,
                "source": item.source.name,
                "url": item.url,
                "published": item.published_at.isoformat() if item.published_at else "",
                "fetched": item.fetched_at.isoformat(),
                "lang": item.lang,
                "title": item.title,
                "text": item.text,
                "countries": [m.country for m in mentions],
                "countries_about": [m.country for m in mentions if m.about],
                "sentiment": enrichment.sentiment if enrichment else "",
                "sentiment_score": enrichment.sentiment_score if enrichment else None,
                "event_class": enrichment.event_class if enrichment else "",
                "event_intensity": enrichment.event_intensity if enrichment else None,
                "political": enrichment.political if enrichment else None,
                "topic": enrichment.topic if enrichment else "",
                "models": enrichment.model_versions if enrichment else {},
            }
        )
    return rows
