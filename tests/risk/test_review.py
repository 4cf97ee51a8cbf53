"""Drafts and reviews: accept, adjust with a rationale, reject; the AI event log and the alerts."""

from __future__ import annotations

from unittest import mock

import pytest

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound
from chancery.risk.models import AIEvent, Assessment, ModelRun, Status, UseCase
from chancery.risk.services import assessment_review, forecast_run
from tests.conftest import actor_of
from tests.risk.conftest import fake_output

pytestmark = pytest.mark.django_db


def draft(run: ModelRun, iso3: str) -> Assessment:
    return run.assessments.get(country_iso3=iso3)


def test_a_run_stores_drafts_logs_the_run_and_fills_the_register(run: ModelRun) -> None:
    assert run.assessments.filter(status=Status.DRAFT).count() == 3
    event = AIEvent.objects.get(kind=AIEvent.Kind.RUN)
    assert event.run == run
    assert event.detail["assessments"] == 3
    assert event.detail["data_cutoff"] == "2020-12"
    assert {"conflict-quantile-gbm", "trade-huber-growth", "currency-crash-logit", "initiative-sentiment"} == set(
        UseCase.objects.values_list("model_name", flat=True)
    )
    assert AuditEvent.objects.filter(action="risk.run").count() == 1


def test_a_new_run_supersedes_old_drafts_but_keeps_reviews(run: ModelRun, analyst: User) -> None:
    assessment_review(actor=actor_of(analyst), assessment_id=draft(run, "SYR").pk, decision="accept")
    second = forecast_run(actor=Actor.system(purpose="test"), output=fake_output())
    assert Assessment.objects.get(run=run, country_iso3="MLI").status == Status.SUPERSEDED
    assert Assessment.objects.get(run=run, country_iso3="SYR").status == Status.ACCEPTED
    assert second.assessments.filter(status=Status.DRAFT).count() == 3


def test_accept_adjust_reject(run: ModelRun, analyst: User) -> None:
    actor = actor_of(analyst)
    accepted = assessment_review(actor=actor, assessment_id=draft(run, "SYR").pk, decision="accept")
    adjusted = assessment_review(
        actor=actor,
        assessment_id=draft(run, "MLI").pk,
        decision="adjust",
        rationale="ceasefire",
        adjusted_probability=0.1,
    )
    rejected = assessment_review(actor=actor, assessment_id=draft(run, "VNM").pk, decision="reject", rationale="no")
    assert (accepted.status, adjusted.status, rejected.status) == (Status.ACCEPTED, Status.ADJUSTED, Status.REJECTED)
    assert adjusted.effective_probability == 0.1
    assert accepted.reviewed_by == analyst
    assert accepted.reviewer_username == "analyst"
    reviews = AIEvent.objects.filter(kind=AIEvent.Kind.REVIEW)
    assert sorted(reviews.values_list("detail__decision", flat=True)) == ["accept", "adjust", "reject"]
    assert all(e.actor_username == "analyst" for e in reviews)


@pytest.mark.parametrize(
    ("decision", "rationale", "probability", "field"),
    [
        ("adjust", "", 0.2, "rationale"),
        ("reject", "  ", None, "rationale"),
        ("adjust", "why", None, "adjusted_probability"),
        ("adjust", "why", 1.5, "adjusted_probability"),
        ("adjust", "why", float("nan"), "adjusted_probability"),
        ("maybe", "", None, "decision"),
    ],
)
def test_bad_reviews_name_the_field_and_change_nothing(
    run: ModelRun, analyst: User, decision: str, rationale: str, probability: float | None, field: str
) -> None:
    target = draft(run, "SYR")
    with pytest.raises(InvalidInput) as caught:
        assessment_review(
            actor=actor_of(analyst),
            assessment_id=target.pk,
            decision=decision,
            rationale=rationale,
            adjusted_probability=probability,
        )
    assert field in caught.value.errors
    target.refresh_from_db()
    assert target.status == Status.DRAFT
    assert not AIEvent.objects.filter(kind=AIEvent.Kind.REVIEW).exists()


def test_only_drafts_are_reviewed(run: ModelRun, analyst: User) -> None:
    target = draft(run, "SYR")
    assessment_review(actor=actor_of(analyst), assessment_id=target.pk, decision="accept")
    with pytest.raises(Conflict):
        assessment_review(actor=actor_of(analyst), assessment_id=target.pk, decision="accept")
    with pytest.raises(NotFound):
        assessment_review(actor=actor_of(analyst), assessment_id=999_999, decision="accept")


def test_a_marked_change_alerts_the_analysts(run: ModelRun, analyst: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(analyst)
    assessment_review(actor=actor, assessment_id=draft(run, "MLI").pk, decision="accept")
    second = forecast_run(actor=Actor.system(purpose="test"), output=fake_output({"MLI": 0.7, "SYR": 0.9}))
    with (
        mock.patch("chancery.risk.services.events_publish") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assessment_review(actor=actor, assessment_id=second.assessments.get(country_iso3="MLI").pk, decision="accept")
    publish.assert_called_once()
    kwargs = publish.call_args.kwargs
    assert kwargs["kind"] == "risk.changed"
    assert kwargs["user_ids"] == [analyst.pk]
    assert kwargs["payload"]["before"] == 0.3
    assert kwargs["payload"]["after"] == 0.7
    assert Assessment.objects.get(run=run, country_iso3="MLI").status == Status.SUPERSEDED


def test_a_small_change_does_not_alert(run: ModelRun, analyst: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(analyst)
    assessment_review(actor=actor, assessment_id=draft(run, "MLI").pk, decision="accept")
    second = forecast_run(actor=Actor.system(purpose="test"), output=fake_output({"MLI": 0.33}))
    with (
        mock.patch("chancery.risk.services.events_publish") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assessment_review(actor=actor, assessment_id=second.assessments.get(country_iso3="MLI").pk, decision="accept")
    publish.assert_not_called()


def test_each_review_is_a_transparency_log_leaf_that_verifies(
    run: ModelRun,
    analyst: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from chancery.risk.tlog_records import RECORD_TYPE
    from chancery.transparency.models import LogEntry
    from chancery.transparency.verify import log_verify

    actor = actor_of(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_review(actor=actor, assessment_id=draft(run, "SYR").pk, decision="accept")
        assessment_review(actor=actor, assessment_id=draft(run, "MLI").pk, decision="reject", rationale="Old data")
    with django_capture_on_commit_callbacks(execute=True):
        second = forecast_run(actor=Actor.system(purpose="test"), output=fake_output())
        assessment_review(
            actor=actor,
            assessment_id=draft(second, "SYR").pk,
            decision="adjust",
            rationale="Ceasefire holds",
            adjusted_probability=0.5,
        )
    leaves = LogEntry.objects.filter(record_type=RECORD_TYPE)
    assert leaves.count() == 3
    assert Assessment.objects.get(run=run, country_iso3="SYR").status == Status.SUPERSEDED
    report = log_verify()
    assert not [f for f in report.findings if f.record_type == RECORD_TYPE]
    Assessment.objects.filter(run=run, country_iso3="MLI").update(rationale="Forged rationale")
    tampered = log_verify()
    assert {f.record_id for f in tampered.findings if f.record_type == RECORD_TYPE} == {str(draft(run, "MLI").pk)}
