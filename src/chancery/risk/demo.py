"""Demo seed: run the forecasts on the bundled extracts and review a set as the demo analyst (idempotent)."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import get_user_model

from chancery.platform.actor import Actor
from chancery.risk.engine import DEMO_DATA, RunOutput, conflict_run
from chancery.risk.models import ModelRun, Status
from chancery.risk.services import assessment_review, forecast_run

DEMO_ANALYST = "analyst"


@lru_cache(maxsize=1)
def _bundled_output() -> RunOutput:
    # The bundled extracts never change within a process: fit once (re-seeding an emptied database reuses it).
    return conflict_run(DEMO_DATA)


PARTNERS = ("VNM", "CHN", "JPN", "KOR", "USA", "FRA", "DEU", "GBR", "IND", "AUS", "RUS", "THA", "LAO", "KHM")


def risk_demo_seed() -> None:
    """Run the conflict model once and have the demo analyst accept the riskiest countries and key partners.

    Does nothing when a model run exists already. Needs the demo analyst user (skips the reviews if absent).
    Emits the AI event log entries, audit events and drafts of the services it calls.
    """
    if ModelRun.objects.exists():
        return
    run = forecast_run(actor=Actor.system(purpose="demo seed"), output=_bundled_output())
    analyst = get_user_model().objects.filter(username=DEMO_ANALYST).first()
    if analyst is None:
        return
    actor = Actor.from_user(analyst)
    drafts = run.assessments.filter(status=Status.DRAFT)
    chosen = list(drafts.order_by("-probability")[:30]) + list(drafts.filter(country_iso3__in=PARTNERS))
    seen: set[int] = set()
    for index, assessment in enumerate(chosen):
        if assessment.pk in seen:
            continue
        seen.add(assessment.pk)
        if index == 1:
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
