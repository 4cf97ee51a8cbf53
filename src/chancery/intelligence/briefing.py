"""Daily briefs per desk: the day's top stories about the desk's countries, near-duplicates grouped.

A desk's countries are its own country (a mission's host country) plus every country on its members'
watchlists; with none (or none in that day's news) the brief covers the day's top stories overall.
Stories are ranked (mainly about a desk country, political, event intensity), grouped with
:func:`chancery.intelligence.clustering.cluster_texts`, and each cluster keeps its lead story, its size
and links to every source.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from chancery.audit.services import audit_record
from chancery.intelligence.clustering import cluster_texts
from chancery.intelligence.models import Brief, Item, Mention, Watchlist
from chancery.missions.selectors import organisation_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound

MAX_CANDIDATES = 300
MAX_CLUSTERS = 10


def _iso3(alpha2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2.upper()) if alpha2 else None
    return str(country.alpha_3) if country is not None else ""


def desk_countries(*, unit_id: int, country_code: str) -> list[str]:
    """Return the ISO alpha-3 codes a desk follows: its host country and its members' watchlist countries."""
    members = get_user_model().objects.filter(organisation_id=unit_id, is_active=True).values_list("pk", flat=True)
    codes = {_iso3(country_code)} - {""}
    for countries in Watchlist.objects.filter(owner_id__in=list(members)).values_list("countries", flat=True):
        codes.update(countries)
    return sorted(codes)


def _score(item: Item, about: set[str], mentioned: set[str]) -> float:
    enrichment = getattr(item, "enrichment", None)
    score = 2.0 * len(about) + 1.0 * len(mentioned - about)
    if enrichment is not None:
        score += (1.0 if enrichment.political else 0.0) + abs(enrichment.event_intensity) / 10
    return score


def _clusters(day: date, countries: list[str]) -> list[dict[str, Any]]:
    clusters = _day_clusters(day, countries)
    if countries and not clusters:  # nothing on the desk's countries that day: the day's top stories overall
        clusters = _day_clusters(day, [])
    return clusters


def _day_clusters(day: date, countries: list[str]) -> list[dict[str, Any]]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    items = Item.objects.filter(published_at__gte=start, published_at__lt=start + timedelta(days=1))
    if countries:
        items = items.filter(pk__in=Mention.objects.filter(country__in=countries).values("item_id"))
    candidates = list(items.select_related("enrichment", "source").order_by("-published_at", "-pk")[:MAX_CANDIDATES])
    about: dict[int, set[str]] = defaultdict(set)
    mentioned: dict[int, set[str]] = defaultdict(set)
    for item_id, country, is_about in Mention.objects.filter(item__in=candidates).values_list(
        "item_id", "country", "about"
    ):
        mentioned[item_id].add(country)
        if is_about:
            about[item_id].add(country)
    focus = set(countries)
    ranked = sorted(
        candidates,
        key=lambda i: (
            -_score(
                i, about[i.pk] & focus if focus else about[i.pk], mentioned[i.pk] & focus if focus else mentioned[i.pk]
            )
        ),
    )
    groups = cluster_texts([f"{i.title}\n{i.text[:2000]}" for i in ranked])
    clusters = []
    for members in groups[:MAX_CLUSTERS]:
        lead = ranked[members[0]]
        stories = [ranked[m] for m in members]
        clusters.append(
            {
                "lead_id": lead.pk,
                "title": lead.title[:300] or lead.text[:120],
                "size": len(stories),
                "item_ids": [s.pk for s in stories],
                "countries": sorted({c for s in stories for c in mentioned[s.pk]}),
                "links": [{"item_id": s.pk, "url": s.url, "source": s.source.name} for s in stories[:10]],
            }
        )
    return clusters


def brief_generate(*, actor: Actor, unit_code: str, day: date) -> Brief:
    """Create or refresh the brief of one desk (an internal unit) for ``day`` (UTC); return it.

    Needs ``intelligence.administer`` (the scheduler, administrators, analysts). Emits ``intelligence.brief_generated``.
    """
    access.require(actor, "intelligence.administer")
    unit = organisation_list(actor=actor).filter(code=unit_code).first()
    if unit is None:
        raise NotFound
    countries = desk_countries(unit_id=unit.pk, country_code=unit.country_code)
    clusters = _clusters(day, countries)
    with transaction.atomic():
        brief, _created = Brief.objects.update_or_create(
            unit_id=unit.pk, day=day, defaults={"countries": countries, "clusters": clusters}
        )
        audit_record(
            actor=actor,
            action="intelligence.brief_generated",
            object_type="intelligence.brief",
            object_id=brief.pk,
            detail={"unit_id": unit.pk, "day": day.isoformat(), "clusters": len(clusters)},
        )
    return brief


def briefs_generate_all(*, actor: Actor, day: date) -> int:
    """Generate ``day``'s brief for every active internal unit with members; return how many."""
    from chancery.missions.enums import EXTERNAL_KINDS

    access.require(actor, "intelligence.administer")
    staffed = set(get_user_model().objects.filter(is_active=True).values_list("organisation_id", flat=True))
    units = organisation_list(actor=actor).exclude(kind__in=sorted(EXTERNAL_KINDS)).filter(pk__in=staffed)
    count = 0
    for code in units.values_list("code", flat=True):
        brief_generate(actor=actor, unit_code=code, day=day)
        count += 1
    return count
