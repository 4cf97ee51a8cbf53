"""The initiative-tracker API (mounted under the intelligence router at ``/initiatives``).

Readers list initiatives and read trackers; administrators and analysts define and change them. Handlers are thin;
domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from chancery.intelligence import initiatives, initiatives_selectors
from chancery.intelligence.initiatives_schemas import InitiativeIn, InitiativeOut, TrackerOut
from chancery.intelligence.initiatives_selectors import Reading
from chancery.intelligence.models import Initiative
from chancery.platform.api.auth import request_actor
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["intelligence"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("", response={200: list[InitiativeOut], **ERRORS}, operation_id="intelligence_initiative_list")
def initiative_list(request: HttpRequest) -> QuerySet[Initiative]:
    """List the initiatives (internal readers)."""
    return initiatives_selectors.initiative_list(actor=request_actor(request))


@router.post("", response={201: InitiativeOut, **ERRORS}, operation_id="intelligence_initiative_create")
def initiative_create(request: HttpRequest, payload: InitiativeIn) -> Status[Initiative]:
    """Define an initiative (administrators and analysts); 422 names each bad field."""
    return Status(201, initiatives.initiative_create(actor=request_actor(request), **payload.dict()))


@router.get("/{initiative_id}", response={200: InitiativeOut, **NOT_FOUND}, operation_id="intelligence_initiative_get")
def initiative_get(request: HttpRequest, initiative_id: int) -> Initiative:
    """Return one initiative's definition."""
    return initiatives_selectors.initiative_get(actor=request_actor(request), initiative_id=initiative_id)


@router.put(
    "/{initiative_id}", response={200: InitiativeOut, **NOT_FOUND}, operation_id="intelligence_initiative_update"
)
def initiative_update(request: HttpRequest, initiative_id: int, payload: InitiativeIn) -> Initiative:
    """Replace an initiative's definition (administrators and analysts)."""
    return initiatives.initiative_update(actor=request_actor(request), initiative_id=initiative_id, **payload.dict())


def _reading(reading: Reading) -> dict[str, Any]:
    return {
        "key": reading.key,
        "n": reading.n,
        "negative": reading.negative,
        "positive": reading.positive,
        "mean": reading.mean,
        "small": reading.small,
    }


@router.get(
    "/{initiative_id}/tracker",
    response={200: TrackerOut, **NOT_FOUND},
    operation_id="intelligence_initiative_tracker",
)
def initiative_tracker(request: HttpRequest, initiative_id: int, bucket: str = "week") -> dict[str, Any]:
    """Return volume and tone per day (90 days) or week (26 weeks), by language and country, with intervals.

    Every figure carries its sample size; the answer names the sentiment models and the data cut-off.
    """
    tracker = initiatives_selectors.initiative_tracker(
        actor=request_actor(request), initiative_id=initiative_id, bucket=bucket[:8]
    )
    return {
        "initiative": tracker.initiative,
        "bucket": tracker.bucket,
        "first": tracker.first,
        "last": tracker.last,
        "overall": _reading(tracker.overall),
        "buckets": [{"start": b.start, "end": b.end, "reading": _reading(b.reading)} for b in tracker.buckets],
        "by_language": [_reading(r) for r in tracker.by_language],
        "by_country": [_reading(r) for r in tracker.by_country],
        "models": [{"model": model, "stories": count} for model, count in tracker.models],
        "data_cutoff": tracker.cutoff,
        "enriched_until": tracker.enriched_until,
        "truncated": tracker.truncated,
        "story_ids": [item.pk for item in tracker.stories],
    }
