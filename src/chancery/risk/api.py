"""The risk API (mounted at ``/api/v1/risk``): reviewed assessments, drafts and reviews, scenarios, logs.

``/assessments`` is the leadership view and only ever lists reviewed assessments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from chancery.platform import access
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.platform.errors import InvalidInput
from chancery.risk import selectors, services
from chancery.risk.engine import DEMO_DATA
from chancery.risk.models import AIEvent, Assessment, UseCase
from chancery.risk.schemas import AssessmentOut, EventOut, ReviewIn, ScenarioIn, ScenarioOut, UseCaseOut
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.scenario import scenario_run

router = Router(tags=["risk"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/assessments", response={200: list[AssessmentOut], **ERRORS}, operation_id="risk_assessment_list")
@paginated
def assessment_list(request: HttpRequest) -> QuerySet[Assessment]:
    """List the reviewed (accepted or adjusted) assessments: the leadership view."""
    return selectors.reviewed_list(actor=request_actor(request))


@router.get("/countries/{code}", response={200: AssessmentOut, **NOT_FOUND}, operation_id="risk_country_get")
def country_get(request: HttpRequest, code: str) -> Assessment:
    """Return a country's current reviewed assessment (404 when none is reviewed)."""
    risk = selectors.country_risk(actor=request_actor(request), code=code)
    if risk.reviewed is None:
        from chancery.platform.errors import NotFound

        raise NotFound
    return risk.reviewed


@router.get("/drafts", response={200: list[AssessmentOut], **ERRORS}, operation_id="risk_draft_list")
@paginated
def draft_list(request: HttpRequest) -> QuerySet[Assessment]:
    """List the drafts awaiting review (analysts)."""
    return selectors.draft_list(actor=request_actor(request))


@router.post(
    "/assessments/{assessment_id}/review",
    response={200: AssessmentOut, **NOT_FOUND},
    operation_id="risk_assessment_review",
)
def assessment_review(request: HttpRequest, assessment_id: int, payload: ReviewIn) -> Assessment:
    """Accept, adjust (rationale and probability) or reject a draft (analysts)."""
    return services.assessment_review(
        actor=request_actor(request),
        assessment_id=assessment_id,
        decision=payload.decision,
        rationale=payload.rationale,
        adjusted_probability=payload.adjusted_probability,
    )


@router.post("/scenarios", response={200: ScenarioOut, **ERRORS}, operation_id="risk_scenario_run")
def scenario(request: HttpRequest, payload: ScenarioIn) -> dict[str, Any]:
    """Run a trade scenario on the bundled data; ``outside_data`` is true when a shock is beyond the data."""
    access.require(request_actor(request), "risk.review")
    try:
        result = scenario_run(
            DEMO_DATA,
            partner=payload.partner.strip(),
            currency_change_pct=payload.currency_change_pct,
            commodity=payload.commodity,
            commodity_change_pct=payload.commodity_change_pct,
        )
    except (DataError, ValueError) as error:
        raise InvalidInput(str(error), errors={"partner": [str(error)]}) from error
    return {
        "partner": result.partner,
        "year": result.year,
        "base": result.base,
        "scenario": result.scenario,
        "low": result.low,
        "high": result.high,
        "outside_data": bool(result.warnings),
        "warnings": result.warnings,
        "notes": result.notes,
        "agreements": result.agreements,
    }


@router.get("/events", response={200: list[EventOut], **ERRORS}, operation_id="risk_event_list")
@paginated
def event_list(request: HttpRequest) -> QuerySet[AIEvent]:
    """The AI event log: each model run and each review (analysts)."""
    return selectors.event_list(actor=request_actor(request))


@router.get("/use-cases", response={200: list[UseCaseOut], **ERRORS}, operation_id="risk_usecase_list")
def usecase_list(request: HttpRequest) -> QuerySet[UseCase]:
    """The AI use-case register."""
    return selectors.usecase_list(actor=request_actor(request))
