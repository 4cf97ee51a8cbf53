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
from chancery.risk.schemas import (
    AssessmentOut,
    EventOut,
    ReviewIn,
    ScenarioIn,
    ScenarioOut,
    UseCaseIn,
    UseCaseOut,
)
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.scenario import scenario_run

router = Router(tags=["risk"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/assessments", response={200: list[AssessmentOut], **ERRORS}, operation_id="risk_assessment_list")
@paginated
def assessment_list(request: HttpRequest, kind: str = "conflict") -> QuerySet[Assessment]:
    """List the reviewed (accepted or adjusted) assessments of ``kind``: the leadership view."""
    return selectors.reviewed_list(actor=request_actor(request), kind=kind)


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
def draft_list(request: HttpRequest, kind: str = "") -> QuerySet[Assessment]:
    """List the drafts awaiting review, of ``kind`` when given (analysts)."""
    return selectors.draft_list(actor=request_actor(request), kind=kind)


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
        adjusted_value=payload.adjusted_value,
    )


@router.post(
    "/initiatives/{initiative_id}/draft",
    response={200: AssessmentOut, **NOT_FOUND},
    operation_id="risk_sentiment_draft",
)
def sentiment_draft(request: HttpRequest, initiative_id: int) -> Assessment:
    """Store an initiative's current sentiment reading as a draft for review (analysts)."""
    return services.sentiment_draft(actor=request_actor(request), initiative_id=initiative_id)


@router.get("/alerts", response={200: list[EventOut], **ERRORS}, operation_id="risk_alert_list")
@paginated
def alert_list(request: HttpRequest) -> QuerySet[AIEvent]:
    """Marked changes of reviewed figures, newest first."""
    return selectors.alert_list(actor=request_actor(request))


@router.post("/scenarios", response={200: ScenarioOut, **ERRORS}, operation_id="risk_scenario_run")
def scenario(request: HttpRequest, payload: ScenarioIn) -> dict[str, Any]:
    """Run a trade scenario on the bundled data; ``outside_data`` is true when a shock is beyond the data."""
    actor = request_actor(request)
    access.require(actor, "risk.review")
    partner = payload.partner.strip()
    choice = selectors.scenario_agreement_choice(actor=actor, key=payload.agreement.strip(), partner=partner)
    try:
        result = scenario_run(
            DEMO_DATA,
            partner=partner,
            currency_change_pct=payload.currency_change_pct,
            commodity=payload.commodity,
            commodity_change_pct=payload.commodity_change_pct,
            agreement_choice=choice,
        )
    except (DataError, ValueError) as error:
        message = str(error)
        field = "agreement" if ("agreement" in message or "party" in message) else "partner"
        field = "commodity" if "commodity" in message else field
        raise InvalidInput(message, errors={field: [message]}) from error
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
        "effects": result.effects,
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


@router.put("/use-cases/{model_name}", response={200: UseCaseOut, **NOT_FOUND}, operation_id="risk_usecase_update")
def usecase_update(request: HttpRequest, model_name: str, payload: UseCaseIn) -> UseCase:
    """Rewrite one register entry's purpose, owner, risk tier and impact assessment (``risk.register``)."""
    return services.usecase_update(actor=request_actor(request), model_name=model_name, **payload.dict())
