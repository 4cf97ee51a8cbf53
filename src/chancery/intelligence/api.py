"""The intelligence API (mounted at ``/api/v1/intelligence``).

Search, items, countries, watchlists, alerts, briefs and sources.

Handlers are thin: they take the actor the authenticator left on the request, call one selector or service and
serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from chancery.intelligence import alerting, selectors, services
from chancery.intelligence.initiatives_api import router as initiatives_router
from chancery.intelligence.models import Alert, Item, Source, Watchlist
from chancery.intelligence.schemas import (
    AlertOut,
    BriefOut,
    CountryOut,
    IngestOut,
    ItemOut,
    SourceIn,
    SourceOut,
    WatchlistIn,
    WatchlistOut,
)
from chancery.missions.selectors import organisation_get
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.platform.errors import NotFound

router = Router(tags=["intelligence"])
router.add_router("/initiatives", initiatives_router)

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


class ItemQuery(Schema):
    """Search and filters of the item list."""

    q: str = ""
    country: str = ""
    topic: str = ""
    lang: str = ""
    tone: str = ""
    event_class: str = ""
    source_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def filters(self) -> selectors.ItemFilters:
        """Return the selector's filters."""
        return selectors.ItemFilters(
            q=self.q[:200],
            country=self.country[:3],
            topic=self.topic[:32],
            lang=self.lang[:8],
            tone=self.tone[:8],
            event_class=self.event_class[:24],
            source_id=self.source_id,
            date_from=self.date_from,
            date_to=self.date_to,
        )


@router.get("/items", response={200: list[ItemOut], **ERRORS}, operation_id="intelligence_item_list")
@paginated
def item_list(request: HttpRequest, query: Query[ItemQuery]) -> QuerySet[Item]:
    """Search items (diacritic-insensitive) and filter by country, topic, language, dates, tone, source, event class."""
    return selectors.item_search(actor=request_actor(request), filters=query.filters())


@router.get("/items/{item_id}", response={200: ItemOut, **NOT_FOUND}, operation_id="intelligence_item_get")
def item_get(request: HttpRequest, item_id: int) -> Item:
    """Return one item with its enrichment and mentions."""
    return selectors.item_get(actor=request_actor(request), item_id=item_id)


@router.get("/countries/{code}", response={200: CountryOut, **NOT_FOUND}, operation_id="intelligence_country_get")
def country_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """Return a country's daily volume and tone over 90 days, its top stories and events."""
    overview = selectors.country_overview(actor=request_actor(request), code=code[:3])
    return {
        "code": overview.code,
        "name": overview.name,
        "total": overview.total,
        "about": overview.about,
        "days": [{"day": p.day, "count": p.count, "tone": p.tone} for p in overview.days],
        "top_story_ids": [i.pk for i in overview.top_stories],
        "event_ids": [i.pk for i in overview.events],
    }


@router.get("/watchlists", response={200: list[WatchlistOut], **ERRORS}, operation_id="intelligence_watchlist_list")
def watchlist_list(request: HttpRequest) -> QuerySet[Watchlist]:
    """List the caller's own watchlists."""
    return selectors.watchlist_list(actor=request_actor(request))


@router.post("/watchlists", response={201: WatchlistOut, **ERRORS}, operation_id="intelligence_watchlist_create")
def watchlist_create(request: HttpRequest, payload: WatchlistIn) -> Status[Watchlist]:
    """Create a private watchlist; new matching items raise ``intelligence.watch_match`` alerts."""
    return Status(201, alerting.watchlist_create(actor=request_actor(request), **payload.dict()))


@router.get(
    "/watchlists/{watchlist_id}", response={200: WatchlistOut, **NOT_FOUND}, operation_id="intelligence_watchlist_get"
)
def watchlist_get(request: HttpRequest, watchlist_id: int) -> Watchlist:
    """Return one of the caller's watchlists (anyone else's answers 404)."""
    return selectors.watchlist_get(actor=request_actor(request), watchlist_id=watchlist_id)


@router.put(
    "/watchlists/{watchlist_id}",
    response={200: WatchlistOut, **NOT_FOUND},
    operation_id="intelligence_watchlist_update",
)
def watchlist_update(request: HttpRequest, watchlist_id: int, payload: WatchlistIn) -> Watchlist:
    """Replace one of the caller's watchlists."""
    return alerting.watchlist_update(actor=request_actor(request), watchlist_id=watchlist_id, **payload.dict())


@router.post(
    "/watchlists/{watchlist_id}/delete", response={204: None, **NOT_FOUND}, operation_id="intelligence_watchlist_delete"
)
def watchlist_delete(request: HttpRequest, watchlist_id: int) -> Status[None]:
    """Delete one of the caller's watchlists."""
    alerting.watchlist_delete(actor=request_actor(request), watchlist_id=watchlist_id)
    return Status(204, None)


def _alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "subject": alert.subject,
        "measure": alert.measure,
        "day": alert.day,
        "figures": alert.figures,
        "item_ids": [item.pk for item in alert.items.all()],
        "created_at": alert.created_at,
        "read_at": alert.read_at,
    }


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, operation_id="intelligence_alert_list")
def alert_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List the 100 newest spike alerts and the caller's own watchlist alerts, with their figures and stories."""
    return [_alert_out(alert) for alert in selectors.alert_list(actor=request_actor(request))[:100]]


@router.get("/briefs/{unit_code}", response={200: BriefOut, **NOT_FOUND}, operation_id="intelligence_brief_get")
def brief_get(request: HttpRequest, unit_code: str, day: date | None = None) -> Any:
    """Return a desk's brief for ``day`` (its latest when omitted)."""
    actor = request_actor(request)
    unit = organisation_get(actor=actor, code=unit_code[:64])
    brief = selectors.brief_get(actor=actor, unit_id=unit.pk, day=day)
    if brief is None:
        raise NotFound
    return brief


@router.get("/sources", response={200: list[SourceOut], **ERRORS}, operation_id="intelligence_source_list")
def source_list(request: HttpRequest) -> QuerySet[Source]:
    """List the sources and their polling state."""
    return selectors.source_list(actor=request_actor(request))


@router.post("/sources", response={201: SourceOut, **ERRORS}, operation_id="intelligence_source_create")
def source_create(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    """Add a polled source (administrators and analysts)."""
    return Status(201, services.source_create(actor=request_actor(request), **payload.dict()))


@router.post(
    "/sources/{source_id}/poll", response={200: IngestOut, **NOT_FOUND}, operation_id="intelligence_source_poll"
)
def source_poll(request: HttpRequest, source_id: int) -> dict[str, Any]:
    """Poll a source now (administrators and analysts); report what was stored and skipped."""
    result = services.source_poll(actor=request_actor(request), source_id=source_id)
    return {
        "stored": len(result.stored),
        "duplicates": result.duplicates,
        "skipped": [{"position": s.position, "reason": s.reason} for s in result.skipped],
        "error": result.error,
    }
