"""Reads on initiative trackers: the list, one initiative, the items about it, and its tracker.

The tracker counts the enriched news and social items about an initiative (see :class:`Initiative`) in daily or
weekly buckets and by language and country, and gives beside every figure its sample size, a 95 % Wilson
interval for the negative and positive shares, a 95 % Student-t interval for the mean tone score and a
small-sample flag. The readings are machine output: the tracker names the sentiment models (from each item's
enrichment) and the data cut-off (the newest item counted).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.intelligence import search
from chancery.intelligence.enums import ItemKind
from chancery.intelligence.initiatives_stats import Mean, Share, is_small, mean_interval, wilson
from chancery.intelligence.models import Initiative, Item, Mention
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound

BUCKETS = {"day": (1, 90), "week": (7, 26)}  # bucket: (days per bucket, buckets shown)
TRACKED_KINDS = (ItemKind.ARTICLE, ItemKind.SOCIAL)
MAX_ITEMS = 20_000
STORIES = 30


@dataclass(frozen=True, slots=True)
class Reading:
    """The figures of one group of items: sample size, tone shares and mean score with their intervals."""

    key: str
    n: int
    negative: Share
    positive: Share
    mean: Mean

    @property
    def small(self) -> bool:
        """True when the sample is too small to read (see :func:`initiatives_stats.is_small`)."""
        return is_small(self.n)


@dataclass(frozen=True, slots=True)
class Bucket:
    """One day or week (``start`` to ``end`` inclusive) and its reading."""

    start: date
    end: date
    reading: Reading


@dataclass(slots=True)
class Tracker:
    """An initiative's tracker over a window: buckets, breakdowns, the models behind it and its stories."""

    initiative: Initiative
    bucket: str
    first: date
    last: date
    overall: Reading
    buckets: list[Bucket] = field(default_factory=list)
    by_language: list[Reading] = field(default_factory=list)
    by_country: list[Reading] = field(default_factory=list)
    models: list[tuple[str, int]] = field(default_factory=list)
    cutoff: datetime | None = None
    enriched_until: datetime | None = None
    truncated: bool = False
    stories: list[Item] = field(default_factory=list)
    stories_from: date | None = None

    @property
    def overall_list(self) -> list[Reading]:
        """The overall reading as a one-row list (for the readings table)."""
        return [self.overall]


def initiative_list(*, actor: Actor) -> QuerySet[Initiative]:
    """Return every initiative for a reader (none for anyone else), by English name."""
    if not access.can(actor, "intelligence.view"):
        return Initiative.objects.none()
    return Initiative.objects.order_by("name_en", "pk")


def initiative_get(*, actor: Actor, initiative_id: int) -> Initiative:
    """Return one initiative; NotFound when missing or the actor is not a reader."""
    if not access.can(actor, "intelligence.view"):
        raise NotFound
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        raise NotFound
    return initiative


def initiative_items(*, actor: Actor, initiative: Initiative) -> QuerySet[Item]:
    """Return the enriched news and social items about ``initiative`` the actor may read (any date).

    A term matches when the item holds every word of it, diacritic- and case-insensitively (the search's index).
    """
    items = access.visible(actor, "intelligence.view", Item.objects.all())
    terms = [*initiative.keywords, *initiative.people, *initiative.organisations]
    conditions = [Q(pk__in=search.matching_ids(words)) for words in map(search.query_terms, terms) if words]
    if not conditions:
        return items.none()
    items = items.filter(reduce(or_, conditions), kind__in=TRACKED_KINDS, enrichment__isnull=False)
    if initiative.countries:
        items = items.filter(pk__in=Mention.objects.filter(country__in=initiative.countries).values("item_id"))
    if initiative.languages:
        items = items.filter(lang__in=initiative.languages)
    return items


def _reading(key: str, rows: list[tuple[str, float]]) -> Reading:
    n = len(rows)
    return Reading(
        key=key,
        n=n,
        negative=wilson(sum(1 for tone, _score in rows if tone == "negative"), n),
        positive=wilson(sum(1 for tone, _score in rows if tone == "positive"), n),
        mean=mean_interval([score for _tone, score in rows]),
    )


def initiative_tracker(
    *,
    actor: Actor,
    initiative_id: int,
    bucket: str = "week",
    today: date | None = None,
    stories_from: date | None = None,
) -> Tracker:
    """Return the tracker of one initiative: the last 90 days (``day``) or 26 weeks (``week``) up to ``today``.

    ``stories_from`` picks the bucket whose stories are listed (the whole window when None). Raises NotFound
    for a missing initiative or a non-reader, InvalidInput (field ``bucket``) for an unknown bucket.
    """
    if bucket not in BUCKETS:
        raise InvalidInput(_("Unknown bucket."), errors={"bucket": [_("Use day or week.")]})
    initiative = initiative_get(actor=actor, initiative_id=initiative_id)
    step, count = BUCKETS[bucket]
    last = today or timezone.now().astimezone(UTC).date()
    if step == 7:
        last = last + timedelta(days=6 - last.weekday())  # weeks run Monday to Sunday
    first = last - timedelta(days=step * count - 1)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last, time.min, tzinfo=UTC) + timedelta(days=1)
    matched = initiative_items(actor=actor, initiative=initiative).filter(published_at__gte=start, published_at__lt=end)
    rows = list(
        matched.order_by("-published_at", "-pk").values_list(
            "pk",
            "lang",
            "published_at",
            "enrichment__sentiment",
            "enrichment__sentiment_score",
            "enrichment__model_versions",
            "enrichment__enriched_at",
        )[: MAX_ITEMS + 1]
    )
    truncated = len(rows) > MAX_ITEMS
    rows = rows[:MAX_ITEMS]
    countries: dict[int, list[str]] = defaultdict(list)
    for item_id, code in Mention.objects.filter(item_id__in=[r[0] for r in rows]).values_list("item_id", "country"):
        if not initiative.countries or code in initiative.countries:
            countries[item_id].append(code)
    per_bucket: dict[date, list[tuple[str, float]]] = defaultdict(list)
    per_lang: dict[str, list[tuple[str, float]]] = defaultdict(list)
    per_country: dict[str, list[tuple[str, float]]] = defaultdict(list)
    models: Counter[str] = Counter()
    everything: list[tuple[str, float]] = []
    for item_id, lang, moment, tone, score, versions, _enriched in rows:
        if moment is None:  # excluded by the window filter; keeps the type checker informed
            continue
        value = (str(tone), float(score))
        everything.append(value)
        offset = (moment.astimezone(UTC).date() - first).days // step
        per_bucket[first + timedelta(days=offset * step)].append(value)
        per_lang[lang or "?"].append(value)
        for code in countries.get(item_id, []):
            per_country[code].append(value)
        models[str((versions or {}).get("sentiment", "?"))] += 1
    tracker = Tracker(
        initiative=initiative,
        bucket=bucket,
        first=first,
        last=last,
        overall=_reading("all", everything),
        by_language=[_reading(k, v) for k, v in sorted(per_lang.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        by_country=[_reading(k, v) for k, v in sorted(per_country.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        models=models.most_common(),
        cutoff=rows[0][2] if rows else None,
        enriched_until=max((r[6] for r in rows), default=None),
        truncated=truncated,
    )
    for index in range(count):
        day = first + timedelta(days=index * step)
        tracker.buckets.append(
            Bucket(start=day, end=day + timedelta(days=step - 1), reading=_reading(day.isoformat(), per_bucket[day]))
        )
    story_query = matched
    if stories_from is not None and first <= stories_from <= last:
        tracker.stories_from = first + timedelta(days=(stories_from - first).days // step * step)
        story_start = datetime.combine(tracker.stories_from, time.min, tzinfo=UTC)
        story_query = matched.filter(published_at__gte=story_start, published_at__lt=story_start + timedelta(days=step))
    tracker.stories = list(
        story_query.select_related("enrichment", "source")
        .prefetch_related(Prefetch("mentions", queryset=Mention.objects.order_by("-about", "country")))
        .order_by("-published_at", "-pk")[:STORIES]
    )
    return tracker
