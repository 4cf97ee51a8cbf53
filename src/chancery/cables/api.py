"""The cables API (mounted at ``/api/v1/cables``): boxes, search, drafting and every transition.

Handlers are thin: they take the actor the authenticator left on the request, call one selector or
service and serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from chancery.cables import selectors, services
from chancery.cables.models import Cable, SavedSearch
from chancery.cables.schemas import (
    CableIn,
    CableOut,
    CableSummaryOut,
    ReturnIn,
    SavedSearchIn,
    SavedSearchOut,
    SearchHitOut,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["cables"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/", response={200: list[CableSummaryOut], **ERRORS}, operation_id="cables_cable_list")
@paginated
def cable_list(request: HttpRequest, box: Literal["inbox", "outbox", "clearance"] = "inbox") -> QuerySet[Cable]:
    """List the cables in one of the caller's boxes (inbox, outbox with own drafts, awaiting clearance)."""
    return selectors.cable_list(actor=request_actor(request), box=box)


@router.get("/search", response={200: list[SearchHitOut], **ERRORS}, operation_id="cables_cable_search")
def cable_search(request: HttpRequest, q: str) -> list[dict[str, Any]]:
    """Search released cables the caller may read by subject, TAGS or number (diacritic-insensitive)."""
    return selectors.cable_search(actor=request_actor(request), query=q[:200])


@router.get("/searches", response={200: list[SavedSearchOut], **ERRORS}, operation_id="cables_saved_search_list")
def saved_search_list(request: HttpRequest) -> QuerySet[SavedSearch]:
    """List the caller's saved searches (each notifies the caller of new matching cables)."""
    return selectors.saved_search_list(actor=request_actor(request))


@router.post("/searches", response={201: SavedSearchOut, **ERRORS}, operation_id="cables_saved_search_create")
def saved_search_create(request: HttpRequest, payload: SavedSearchIn) -> Status[SavedSearch]:
    """Save an archive query; a live ``cable.search_match`` event follows each new matching cable."""
    return Status(201, services.saved_search_create(actor=request_actor(request), query=payload.query))


@router.post(
    "/searches/{search_id}/delete", response={204: None, **NOT_FOUND}, operation_id="cables_saved_search_delete"
)
def saved_search_delete(request: HttpRequest, search_id: int) -> Status[None]:
    """Delete one of the caller's saved searches."""
    services.saved_search_delete(actor=request_actor(request), search_id=search_id)
    return Status(204, None)


@router.post("/", response={201: CableOut, **ERRORS}, operation_id="cables_cable_create")
def cable_create(request: HttpRequest, payload: CableIn) -> Status[dict[str, Any]]:
    """Create a draft cable from the caller's unit (desk officers, mission officers, analysts)."""
    actor = request_actor(request)
    cable = services.cable_create(actor=actor, content=payload.content())
    return Status(201, CableOut.from_view(selectors.cable_view(actor=actor, cable_id=cable.pk)))


@router.get("/{cable_id}", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_get")
def cable_get(request: HttpRequest, cable_id: int) -> dict[str, Any]:
    """Return one cable with its text; hidden and missing cables both answer 404. The reading is audited."""
    return CableOut.from_view(services.cable_open(actor=request_actor(request), cable_id=cable_id))


@router.put("/{cable_id}", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_update")
def cable_update(request: HttpRequest, cable_id: int, payload: CableIn) -> dict[str, Any]:
    """Replace a draft's (or returned cable's) content; only its drafter may."""
    actor = request_actor(request)
    services.cable_update(actor=actor, cable_id=cable_id, content=payload.content())
    return CableOut.from_view(selectors.cable_view(actor=actor, cable_id=cable_id))


def _transition(request: HttpRequest, cable_id: int, verb: str) -> dict[str, Any]:
    actor = request_actor(request)
    {
        "submit": services.cable_submit,
        "clear": services.cable_clear,
        "release": services.cable_release,
        "acknowledge": services.cable_acknowledge,
    }[verb](actor=actor, cable_id=cable_id)
    return CableOut.from_view(selectors.cable_view(actor=actor, cable_id=cable_id))


@router.post("/{cable_id}/submit", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_submit")
def cable_submit(request: HttpRequest, cable_id: int) -> dict[str, Any]:
    """Send a draft to its clearing offices (the drafter)."""
    return _transition(request, cable_id, "submit")


@router.post("/{cable_id}/clear", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_clear")
def cable_clear(request: HttpRequest, cable_id: int) -> dict[str, Any]:
    """Record the caller's office's clearance."""
    return _transition(request, cable_id, "clear")


@router.post("/{cable_id}/return", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_return")
def cable_return(request: HttpRequest, cable_id: int, payload: ReturnIn) -> dict[str, Any]:
    """Return the cable to its drafter with a comment (a clearing office or the approver)."""
    actor = request_actor(request)
    services.cable_return(actor=actor, cable_id=cable_id, comment=payload.comment)
    return CableOut.from_view(selectors.cable_view(actor=actor, cable_id=cable_id))


@router.post("/{cable_id}/release", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_release")
def cable_release(request: HttpRequest, cable_id: int) -> dict[str, Any]:
    """Approve and release a cleared cable: number it and deliver it (the originating unit's approver)."""
    return _transition(request, cable_id, "release")


@router.post("/{cable_id}/acknowledge", response={200: CableOut, **NOT_FOUND}, operation_id="cables_cable_acknowledge")
def cable_acknowledge(request: HttpRequest, cable_id: int) -> dict[str, Any]:
    """Acknowledge the caller's unit's action copy."""
    return _transition(request, cable_id, "acknowledge")
