"""Writes of the risk app: model runs (drafts), reviews, alerts and the use-case register.

Every service checks ``chancery.platform.access``, writes in one transaction, audits (metadata only) and
records the AI event log; notifications go out on commit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.intelligence.initiatives_selectors import initiative_list, initiative_tracker
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound
from chancery.platform.events.services import events_publish
from chancery.risk import tlog_records
from chancery.risk.engine import DEMO_DATA, CountryForecast, RunOutput, conflict_run, crisis_run, trade_run
from chancery.risk.models import (
    REVIEWED,
    AIEvent,
    Assessment,
    Kind,
    ModelRun,
    RiskTier,
    Status,
    UseCase,
    risk_level,
)
from chancery.risk.partners import ISO3_BY_PARTNER
from chancery.risk.register import DEFAULT_USE_CASES
from chancery.transparency.services import tlog_append_on_commit
from chancery_analytics.forecast.data import DataError

if TYPE_CHECKING:
    from chancery.intelligence.initiatives_stats import Share

DECISIONS = ("accept", "adjust", "reject")
MARKED_CHANGE = 0.15
MARKED_TRADE_CHANGE = 0.15
MARKED_TONE_CHANGE = 0.2
SENTIMENT_MODEL = "initiative-sentiment"


def _conflict(data: Path) -> RunOutput:
    return conflict_run(data)


def _crisis(data: Path) -> RunOutput:
    return crisis_run(data)


def _trade(data: Path) -> RunOutput:
    return trade_run(data, iso3_by_partner=ISO3_BY_PARTNER)


# Each runner looks its model up at call time (so tests can stand in a finished run for the fit).
RUNNERS: dict[str, Callable[[Path], RunOutput]] = {Kind.CONFLICT: _conflict, Kind.CRISIS: _crisis, Kind.TRADE: _trade}


def forecast_run(
    *, actor: Actor, data: Path | None = None, output: RunOutput | None = None, kind: str = Kind.CONFLICT
) -> ModelRun:
    """Fit one model (``kind``: conflict, crisis or trade) on ``data`` and store a DRAFT per country or partner.

    Needs ``risk.run``. Uses the bundled extracts by default; ``output`` (a finished run) skips the fit and
    gives the kind. Earlier drafts of the model become superseded; reviewed assessments stay until a new
    review. Emits an AI event log entry (kind run) and an audit event. Raises InvalidInput naming ``data``
    when the data cannot be used and naming ``kind`` for an unknown kind.
    """
    access.require(actor, "risk.run")
    source = data or DEMO_DATA
    if output is None:
        runner = RUNNERS.get(kind)
        if runner is None:
            raise InvalidInput(_("Unknown model kind."), errors={"kind": [_("Use conflict, crisis or trade.")]})
        try:
            output = runner(source)
        except (DataError, ValueError, OSError) as error:
            raise InvalidInput(str(error), errors={"data": [str(error)]}) from error
    label = "bundled demo extracts" if source == DEMO_DATA else str(source)[:200]
    return _drafts_store(actor=actor, output=output, source=label)


def forecast_run_all(*, actor: Actor, data: Path | None = None) -> list[ModelRun]:
    """Run the conflict, crisis and trade models in turn (see :func:`forecast_run`); one run per model.

    Needs ``risk.run``. A model whose data is missing from ``data`` is skipped with its message in the
    returned run list's absence; raises InvalidInput only when no model could run.
    """
    access.require(actor, "risk.run")
    runs: list[ModelRun] = []
    problems: list[str] = []
    for kind in RUNNERS:
        try:
            runs.append(forecast_run(actor=actor, data=data, kind=kind))
        except InvalidInput as error:
            problems.append(f"{kind}: {error.detail}")
    if not runs:
        raise InvalidInput("; ".join(problems), errors={"data": problems})
    return runs


def _drafts_store(*, actor: Actor, output: RunOutput, source: str) -> ModelRun:
    with transaction.atomic():
        run = ModelRun.objects.create(
            model_name=output.model_name,
            model_version=output.model_version,
            data_cutoff=output.data_cutoff,
            data_source=source,
            n_assessments=len(output.forecasts),
            notes="\n".join(output.notes),
        )
        Assessment.objects.filter(status=Status.DRAFT, model_name=output.model_name).update(status=Status.SUPERSEDED)
        Assessment.objects.bulk_create(
            Assessment(
                run=run,
                kind=output.kind,
                subject=f.subject,
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
                value=f.value,
                value_low=f.value_low,
                value_high=f.value_high,
                interval_level=f.interval_level,
                detail=f.detail,
            )
            for f in output.forecasts
        )
        AIEvent.objects.create(
            kind=AIEvent.Kind.RUN,
            model_name=output.model_name,
            model_version=output.model_version,
            run=run,
            actor_username=actor.username or actor.role,
            detail={
                "output": output.kind,
                "data_cutoff": output.data_cutoff,
                "assessments": len(output.forecasts),
                "source": source,
            },
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


def sentiment_draft(*, actor: Actor, initiative_id: int, today: date | None = None) -> Assessment:
    """Store the current sentiment reading of one initiative as a DRAFT for an analyst's review.

    Needs ``risk.run`` or ``risk.review`` (analysts may ask for a fresh reading) and an initiative the actor
    can read (NotFound otherwise). The reading is the tracker's last 26 weeks up to ``today``: mean tone
    (-1 to 1) with its 95 % interval, negative and positive shares, the sample size and the sentiment
    models that scored the items; the initiative's earlier draft is superseded. Emits an AI event log
    entry (kind run), an audit event, and InvalidInput naming ``initiative`` when nothing was counted.
    """
    if not (access.can(actor, "risk.run") or access.can(actor, "risk.review")):
        access.require(actor, "risk.run")
    tracker = initiative_tracker(actor=actor, initiative_id=initiative_id, bucket="week", today=today)
    overall = tracker.overall
    if overall.n == 0 or overall.mean.value is None:
        raise InvalidInput(
            _("No news or social item about this initiative in the last 26 weeks: nothing to read."),
            errors={"initiative": [_("No items counted.")]},
        )
    initiative = tracker.initiative
    models = ", ".join(name for name, _count in tracker.models) or "?"
    output = RunOutput(
        model_name=SENTIMENT_MODEL,
        model_version=models[:20],
        data_cutoff=tracker.cutoff.date().isoformat() if tracker.cutoff else tracker.last.isoformat(),
        forecasts=[
            CountryForecast(
                iso3="",
                name=initiative.name_en,
                subject=initiative.name_en,
                horizon=f"{tracker.first.isoformat()}/{tracker.last.isoformat()}",
                probability=0.0,
                low=0.0,
                median=0.0,
                high=0.0,
                path=[],
                drivers=[],
                history=[
                    {"week": b.start.isoformat(), "n": b.reading.n, "mean": b.reading.mean.value}
                    for b in tracker.buckets[-8:]
                ],
                value=round(overall.mean.value, 4),
                value_low=None if overall.mean.low is None else round(overall.mean.low, 4),
                value_high=None if overall.mean.high is None else round(overall.mean.high, 4),
                interval_level=0.95,
                detail={
                    "name_vi": initiative.name_vi,
                    "negative": _share(overall.negative),
                    "positive": _share(overall.positive),
                    "small_sample": overall.small,
                    "by_language": [{"key": r.key, "n": r.n, "mean": r.mean.value} for r in tracker.by_language],
                    "models": models,
                    "truncated": tracker.truncated,
                },
            )
        ],
        notes=[f"initiative {initiative.pk}: {overall.n} item(s)"],
        kind=Kind.SENTIMENT,
    )
    with transaction.atomic():
        Assessment.objects.filter(status=Status.DRAFT, kind=Kind.SENTIMENT, subject_id=initiative.pk).update(
            status=Status.SUPERSEDED
        )
        run = ModelRun.objects.create(
            model_name=output.model_name,
            model_version=output.model_version,
            data_cutoff=output.data_cutoff,
            data_source="intelligence pipeline enrichments",
            n_assessments=1,
            notes="\n".join(output.notes),
        )
        forecast = output.forecasts[0]
        assessment = Assessment.objects.create(
            run=run,
            kind=Kind.SENTIMENT,
            subject=forecast.subject,
            subject_id=initiative.pk,
            country_iso3="",
            country_name=forecast.name[:120],
            model_name=output.model_name,
            model_version=output.model_version,
            data_cutoff=output.data_cutoff,
            horizon=forecast.horizon,
            probability=0.0,
            fatalities_low=0.0,
            fatalities_median=0.0,
            fatalities_high=0.0,
            history=forecast.history,
            value=forecast.value,
            value_low=forecast.value_low,
            value_high=forecast.value_high,
            interval_level=forecast.interval_level,
            sample_size=overall.n,
            detail=forecast.detail,
        )
        AIEvent.objects.create(
            kind=AIEvent.Kind.RUN,
            model_name=output.model_name,
            model_version=output.model_version,
            run=run,
            assessment=assessment,
            actor_username=actor.username or actor.role,
            detail={"output": Kind.SENTIMENT, "initiative": initiative.pk, "items": overall.n},
        )
        usecase_ensure_defaults()
        audit_record(
            actor=actor,
            action="risk.sentiment_draft",
            object_type="risk_assessment",
            object_id=assessment.pk,
            detail={"initiative": initiative.pk, "items": overall.n},
        )
    return assessment


def sentiment_draft_all(*, actor: Actor, today: date | None = None) -> list[Assessment]:
    """Draft a sentiment reading for every initiative with items (see :func:`sentiment_draft`). Needs ``risk.run``.

    Initiatives with nothing counted are skipped. Emits what :func:`sentiment_draft` emits for each.
    """
    access.require(actor, "risk.run")
    drafts: list[Assessment] = []
    for initiative in initiative_list(actor=actor):
        try:
            drafts.append(sentiment_draft(actor=actor, initiative_id=initiative.pk, today=today))
        except InvalidInput:
            continue
    return drafts


def _share(share: Share) -> dict[str, float | int | None]:
    return {"k": share.k, "n": share.n, "value": share.value, "low": share.low, "high": share.high}


def assessment_review(
    *,
    actor: Actor,
    assessment_id: int,
    decision: str,
    rationale: str = "",
    adjusted_probability: float | None = None,
    adjusted_value: float | None = None,
) -> Assessment:
    """Accept, adjust (with a rationale and a new figure) or reject a draft of any kind.

    Needs ``risk.review``. Adjusting a conflict or crisis draft takes ``adjusted_probability`` in [0, 1];
    an export forecast takes ``adjusted_value`` (US$ million, above 0); a sentiment reading takes
    ``adjusted_value`` (mean tone, -1 to 1). Accepting or adjusting supersedes the earlier reviewed
    assessment of the same kind and subject; a marked change alerts every analyst on commit (see
    :func:`marked_change`). Emits an AI event log entry (kind review), an audit event and a transparency-log
    leaf (``risk.review``, on commit). Raises InvalidInput naming the field, NotFound, Conflict.
    """
    access.require(actor, "risk.review")
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, adjust or reject."), errors={"decision": [_("Unknown decision.")]})
    rationale = rationale.strip()
    if decision in ("adjust", "reject") and not rationale:
        raise InvalidInput(
            _("A rationale is required to adjust or reject."), errors={"rationale": [_("Give a rationale.")]}
        )
    with transaction.atomic():
        try:
            assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
        except Assessment.DoesNotExist:
            raise NotFound from None
        if assessment.status != Status.DRAFT:
            raise Conflict(_("Only drafts can be reviewed."))
        if decision == "adjust":
            _adjustment_check(assessment, adjusted_probability, adjusted_value)
        previous = (
            Assessment.objects.filter(status__in=REVIEWED, **subject_key(assessment)).order_by("-reviewed_at").first()
        )
        assessment.status = {"accept": Status.ACCEPTED, "adjust": Status.ADJUSTED, "reject": Status.REJECTED}[decision]
        assessment.rationale = rationale
        adjusting = decision == "adjust"
        assessment.adjusted_probability = adjusted_probability if adjusting and assessment.is_probability else None
        assessment.adjusted_value = adjusted_value if adjusting and not assessment.is_probability else None
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
            detail={
                "decision": decision,
                "output": assessment.kind,
                "subject": assessment.country_iso3 or assessment.subject,
            },
        )
        audit_record(
            actor=actor,
            action="risk.review",
            object_type="risk_assessment",
            object_id=assessment.pk,
            detail={"decision": decision, "output": assessment.kind, "country": assessment.country_iso3},
        )
        tlog_append_on_commit(
            record_type=tlog_records.RECORD_TYPE, record_id=assessment.pk, fields=tlog_records.review_fields(assessment)
        )
    return assessment


def subject_key(assessment: Assessment) -> dict[str, object]:
    """Return the filter naming what ``assessment`` is about: kind plus country, partner or initiative."""
    if assessment.kind == Kind.SENTIMENT:
        return {"kind": assessment.kind, "subject_id": assessment.subject_id}
    if assessment.kind == Kind.TRADE:
        return {"kind": assessment.kind, "subject": assessment.subject}
    return {"kind": assessment.kind, "country_iso3": assessment.country_iso3}


def _adjustment_check(assessment: Assessment, probability: float | None, value: float | None) -> None:
    if assessment.is_probability:
        if not _probability_ok(probability):
            raise InvalidInput(
                _("The adjusted probability must be between 0 and 1."),
                errors={"adjusted_probability": [_("Enter a number between 0 and 1.")]},
            )
        return
    if assessment.kind == Kind.TRADE and not (value is not None and math.isfinite(value) and value > 0):
        raise InvalidInput(
            _("The adjusted export forecast must be a positive amount in US$ million."),
            errors={"adjusted_value": [_("Enter an amount above 0.")]},
        )
    if assessment.kind == Kind.SENTIMENT and not (value is not None and math.isfinite(value) and -1 <= value <= 1):
        raise InvalidInput(
            _("The adjusted mean tone must be between -1 and 1."),
            errors={"adjusted_value": [_("Enter a number between -1 and 1.")]},
        )


def _probability_ok(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and 0 <= value <= 1


def marked_change(previous: Assessment, current: Assessment) -> bool:
    """True when a reviewed figure changed markedly.

    Probabilities: 15 points or another risk band. Export forecasts: 15 % or more either way. Sentiment:
    the mean tone moved by 0.2 or more (on -1 to 1).
    """
    before, after = previous.headline, current.headline
    if not (math.isfinite(before) and math.isfinite(after)):
        return False
    if current.is_probability:
        return abs(after - before) >= MARKED_CHANGE or risk_level(before) != risk_level(after)
    if current.kind == Kind.TRADE:
        return before > 0 and after > 0 and abs(math.log(after / before)) >= math.log1p(MARKED_TRADE_CHANGE)
    return abs(after - before) >= MARKED_TONE_CHANGE


def _alert_if_marked(previous: Assessment, current: Assessment) -> None:
    if not marked_change(previous, current):
        return
    analysts = list(get_user_model().objects.filter(role="analyst", is_active=True).values_list("pk", flat=True))
    payload = {
        "output": current.kind,
        "country": current.country_iso3,
        "subject": current.title,
        "before": round(previous.headline, 3),
        "after": round(current.headline, 3),
        "assessment_id": current.pk,
    }
    AIEvent.objects.create(
        kind=AIEvent.Kind.ALERT,
        model_name=current.model_name,
        model_version=current.model_version,
        run=current.run,
        assessment=current,
        actor_username=current.reviewer_username,
        detail=payload,
    )
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
