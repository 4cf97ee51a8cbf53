"""Demo seed: run every model on the bundled extracts, draft initiative readings, review a set (idempotent)."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import get_user_model

from chancery.platform.actor import Actor
from chancery.risk.engine import CRISIS_MODEL, DEMO_DATA, RunOutput, conflict_run
from chancery.risk.models import Assessment, Kind, ModelRun, Status
from chancery.risk.services import SENTIMENT_MODEL, assessment_review, forecast_run, sentiment_draft_all
from chancery_analytics.forecast.conflict import ConflictModel
from chancery_analytics.forecast.trade import TradeModel

DEMO_ANALYST = "analyst"


@lru_cache(maxsize=1)
def _bundled_output() -> RunOutput:
    # The bundled extracts never change within a process: fit once (re-seeding an emptied database reuses it).
    return conflict_run(DEMO_DATA)


PARTNERS = ("VNM", "CHN", "JPN", "KOR", "USA", "FRA", "DEU", "GBR", "IND", "AUS", "RUS", "THA", "LAO", "KHM")


def risk_demo_seed() -> None:
    """Run each model once (conflict, currency crash, exports, initiative sentiment) and review a set as the analyst.

    A model that has run already is left alone. The demo analyst accepts the riskiest countries and key
    partners (adjusting one), the currency-crash drafts, the export forecasts for the main partners and the
    sentiment readings, so the leadership view is populated; the rest stay drafts in the review queue.
    Needs the demo analyst user (skips the reviews if absent). Emits what the services emit.
    """
    system = Actor.system(purpose="demo seed")
    done = set(ModelRun.objects.values_list("model_name", flat=True).distinct())
    analyst = get_user_model().objects.filter(username=DEMO_ANALYST).first()
    actor = Actor.from_user(analyst) if analyst is not None else None
    if ConflictModel.name not in done:
        run = forecast_run(actor=system, output=_bundled_output())
        if actor is not None:
            drafts = run.assessments.filter(status=Status.DRAFT)
            chosen = list(drafts.order_by("-probability")[:30]) + list(drafts.filter(country_iso3__in=PARTNERS))
            _review(actor, chosen, adjust_index=1)
    if CRISIS_MODEL not in done:
        run = forecast_run(actor=system, kind=Kind.CRISIS)
        if actor is not None:
            _review(actor, list(run.assessments.filter(status=Status.DRAFT).order_by("-probability")[:15]))
    if TradeModel.name not in done:
        run = forecast_run(actor=system, kind=Kind.TRADE)
        if actor is not None:
            _review(actor, list(run.assessments.filter(status=Status.DRAFT).order_by("-value")[:20]))
    if SENTIMENT_MODEL not in done:
        readings = sentiment_draft_all(actor=system)
        if actor is not None:
            _review(actor, list(Assessment.objects.filter(pk__in=[d.pk for d in readings])))


def _review(actor: Actor, chosen: list[Assessment], adjust_index: int = -1) -> None:
    seen: set[int] = set()
    for index, assessment in enumerate(chosen):
        if assessment.pk in seen:
            continue
        seen.add(assessment.pk)
        if index == adjust_index and assessment.is_probability:
            assessment_review(
                actor=actor,
                assessment_id=assessment.pk,
                decision="adjust",
                rationale="Demo: recent reporting suggests the fighting is easing; lowered.",
                adjusted_probability=max(0.0, round(assessment.probability - 0.1, 3)),
            )
            continue
        assessment_review(
            actor=actor,
            assessment_id=assessment.pk,
            decision="accept",
            rationale="Demo: consistent with the recent record.",
        )
