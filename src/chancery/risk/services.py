"""Writes of the risk app: model runs (drafts), reviews, alerts and the use-case register.

Every service checks ``chancery.platform.access``, writes in one transaction, audits (metadata only) and
records the AI event log; notifications go out on commit.
"""

from __future__ import annotations

import math
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound
from chancery.platform.events.services import events_publish
from chancery.risk.engine import DEMO_DATA, RunOutput, conflict_run
from chancery.risk.models import REVIEWED, AIEvent, Assessment, ModelRun, RiskTier, Status, UseCase, risk_level
from chancery.risk.register import DEFAULT_USE_CASES
from chancery_analytics.forecast.data import DataError

DECISIONS = ("accept", "adjust", "reject")
MARKED_CHANGE = 0.15


def forecast_run(*, actor: Actor, data: Path | None = None, output: RunOutput | None = None) -> ModelRun:
    """Fit the conflict model on ``data`` (bundled extracts by default) and store a DRAFT per country.

    Needs ``risk.run``. Earlier drafts become superseded; reviewed assessments stay until a new review.
    Emits an AI event log entry (kind run) and an audit event. Raises InvalidInput naming ``data`` when
    the data cannot be used.
    """
    access.require(actor, "risk.run")
    source = data or DEMO_DATA
    if output is None:
        try:
            output = conflict_run(source)
        except (DataError, ValueError, OSError) as error:
            raise InvalidInput(str(error), errors={"data": [str(error)]}) from error
    with transaction.atomic():
        run = ModelRun.objects.create(
            model_name=output.model_name,
            model_version=output.model_version,
            data_cutoff=output.data_cutoff,
            data_source="bundled demo extracts" if source == DEMO_DATA else str(source)[:200],
            n_assessments=len(output.forecasts),
            notes="\n".join(output.notes),
        )
        Assessment.objects.filter(status=Status.DRAFT, model_name=output.model_name).update(status=Status.SUPERSEDED)
        Assessment.objects.bulk_create(
            Assessment(
                run=run,
                country_iso3=f.iso3,
                country_name=f.name,
                model_name=output.model_name,
                model_version=output.model_version,
                data_cutoff=output.data_cutoff,
                horizon=f.horizon,
                probability=f.probability,
                fatalities_low=f.low,
                fatalities_median=f.median,
                fatalities_high=f.high,
                path=f.path,
                drivers=f.drivers,
                history=f.history,
            )
            for f in output.forecasts
        )
        AIEvent.objects.create(
            kind=AIEvent.Kind.RUN,
            model_name=output.model_name,
            model_version=output.model_version,
            run=run,
            actor_username=actor.username or actor.role,
            detail={"data_cutoff": output.data_cutoff, "assessments": len(output.forecasts), "source": run.data_source},
        )
        usecase_ensure_defaults()
        audit_record(
            actor=actor,
            action="risk.run",
            object_type="risk_model_run",
            object_id=run.pk,
            detail={"model": output.model_name, "version": output.model_version, "assessments": run.n_assessments},
        )
    return run


def assessment_review(
    *,
    actor: Actor,
    assessment_id: int,
    decision: str,
    rationale: str = "",
    adjusted_probability: float | None = None,
) -> Assessment:
    """Accept, adjust (with a rationale and a probability in [0, 1]) or reject a draft.

    Needs ``risk.review``. Accepting or adjusting supersedes the country's earlier reviewed assessment; a
    marked change (15 points or another risk band) alerts every analyst on commit. Emits an AI event log
    entry (kind review) and an audit event. Raises InvalidInput naming the field, NotFound, Conflict.
    """
    access.require(actor, "risk.review")
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, adjust or reject."), errors={"decision": [_("Unknown decision.")]})
    rationale = rationale.strip()
    if decision in ("adjust", "reject") and not rationale:
        raise InvalidInput(
            _("A rationale is required to adjust or reject."), errors={"rationale": [_("Give a rationale.")]}
        )
    if decision == "adjust" and not _probability_ok(adjusted_probability):
        raise InvalidInput(
            _("The adjusted probability must be between 0 and 1."),
            errors={"adjusted_probability": [_("Enter a number between 0 and 1.")]},
        )
    with transaction.atomic():
        try:
            assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
        except Assessment.DoesNotExist:
            raise NotFound from None
        if assessment.status != Status.DRAFT:
            raise Conflict(_("Only drafts can be reviewed."))
        previous = (
            Assessment.objects.filter(country_iso3=assessment.country_iso3, status__in=REVIEWED)
            .order_by("-reviewed_at")
            .first()
        )
        assessment.status = {"accept": Status.ACCEPTED, "adjust": Status.ADJUSTED, "reject": Status.REJECTED}[decision]
        assessment.rationale = rationale
        assessment.adjusted_probability = adjusted_probability if decision == "adjust" else None
        assessment.reviewed_by_id = actor.user_id
        assessment.reviewer_username = actor.username
        assessment.reviewed_at = timezone.now()
        assessment.save()
        if decision != "reject" and previous is not None:
            previous.status = Status.SUPERSEDED
            previous.save(update_fields=["status"])
            _alert_if_marked(previous, assessment)
        AIEvent.objects.create(
            kind=AIEvent.Kind.REVIEW,
            model_name=assessment.model_name,
            model_version=assessment.model_version,
            run=assessment.run,
            assessment=assessment,
            actor_username=actor.username,
            detail={"decision": decision, "country": assessment.country_iso3},
        )
        audit_record(
            actor=actor,
            action="risk.review",
            object_type="risk_assessment",
            object_id=assessment.pk,
            detail={"decision": decision, "country": assessment.country_iso3},
        )
    return assessment


def _probability_ok(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and 0 <= value <= 1


def _alert_if_marked(previous: Assessment, current: Assessment) -> None:
    before, after = previous.effective_probability, current.effective_probability
    if abs(after - before) < MARKED_CHANGE and risk_level(before) == risk_level(after):
        return
    analysts = list(get_user_model().objects.filter(role="analyst", is_active=True).values_list("pk", flat=True))
    payload = {
        "country": current.country_iso3,
        "before": round(before, 3),
        "after": round(after, 3),
        "assessment_id": current.pk,
    }
    transaction.on_commit(lambda: events_publish(user_ids=analysts, kind="risk.changed", payload=payload))


def usecase_ensure_defaults() -> None:
    """Create the register's entry for each bundled model when missing (idempotent). Emits nothing."""
    for entry in DEFAULT_USE_CASES:
        UseCase.objects.get_or_create(model_name=entry["model_name"], defaults=entry)


def usecase_update(
    *, actor: Actor, model_name: str, purpose: str, owner: str, risk_tier: str, impact_assessment: str
) -> UseCase:
    """Update one use-case register entry. Needs ``risk.register``; audits. Raises InvalidInput/NotFound."""
    access.require(actor, "risk.register")
    if risk_tier not in RiskTier.values:
        raise InvalidInput(_("Unknown risk tier."), errors={"risk_tier": [_("Choose low, medium or high.")]})
    for name, value in (("purpose", purpose), ("owner", owner), ("impact_assessment", impact_assessment)):
        if not value.strip():
            raise InvalidInput(_("This field is required."), errors={name: [_("This field is required.")]})
    with transaction.atomic():
        entry = UseCase.objects.select_for_update().filter(model_name=model_name).first()
        if entry is None:
            raise NotFound
        entry.purpose, entry.owner, entry.risk_tier = purpose.strip(), owner.strip(), risk_tier
        entry.impact_assessment = impact_assessment.strip()
        entry.save()
        audit_record(actor=actor, action="risk.register", object_type="risk_use_case", object_id=entry.pk)
    return entry
