"""The missions API (mounted at ``/api/v1/missions``): organisations and post reports.

Handlers are thin: they take the actor the authenticator left on the request, call one selector or
service and let the schemas serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from chancery.missions import selectors, services
from chancery.missions.enums import OrganisationKind
from chancery.missions.models import Organisation, PostReport
from chancery.missions.schemas import (
    OrganisationDetailOut,
    OrganisationOut,
    ReportCreateIn,
    ReportOut,
    ReportSummaryOut,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["missions"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get(
    "/organisations", response={200: list[OrganisationOut], **ERRORS}, operation_id="missions_organisation_list"
)
@paginated
def organisation_list(request: HttpRequest, kind: OrganisationKind | None = None) -> QuerySet[Organisation]:
    """List the organisations the caller may see (internal users: all; partners: their own and the ministry)."""
    return selectors.organisation_list(actor=request_actor(request), kind=kind.value if kind is not None else "")


@router.get(
    "/organisations/{code}",
    response={200: OrganisationDetailOut, **NOT_FOUND},
    operation_id="missions_organisation_get",
)
def organisation_get(request: HttpRequest, code: str) -> selectors.OrganisationProfile:
    """Return one organisation with its member count and visible child units (404 when hidden)."""
    return selectors.organisation_profile(actor=request_actor(request), code=code)


@router.get("/reports", response={200: list[ReportSummaryOut], **ERRORS}, operation_id="missions_report_list")
@paginated
def report_list(request: HttpRequest) -> QuerySet[PostReport]:
    """List the post reports the caller may read, newest first (titles and markings, no bodies)."""
    return selectors.report_list(actor=request_actor(request))


@router.get("/reports/{report_id}", response={200: ReportOut, **NOT_FOUND}, operation_id="missions_report_get")
def report_get(request: HttpRequest, report_id: int) -> PostReport:
    """Return one post report; hidden and missing reports both answer 404. The reading is audited."""
    return services.report_open(actor=request_actor(request), report_id=report_id)


@router.post("/reports", response={201: ReportOut, **ERRORS}, operation_id="missions_report_create")
def report_create(request: HttpRequest, payload: ReportCreateIn) -> Status[PostReport]:
    """Create a post report for the caller's mission (mission officers, desk officers, analysts)."""
    actor = request_actor(request)
    report = services.report_create(
        actor=actor,
        title_en=payload.title_en,
        title_vi=payload.title_vi,
        body=payload.body,
        classification=int(payload.classification),
        compartment_codes=payload.compartments,
        tlp=str(payload.tlp.value),
        shared_with_codes=payload.shared_with,
    )
    return Status(201, selectors.report_get(actor=actor, report_id=report.pk))
