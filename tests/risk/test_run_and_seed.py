"""``chancery forecast run``, the scheduled refresh and the demo seed on the bundled extracts."""

from __future__ import annotations

import pytest

from chancery.cli import main
from chancery.identity.enums import Role
from chancery.platform.schedule import periodics
from chancery.risk.demo import risk_demo_seed
from chancery.risk.models import AIEvent, Assessment, ModelRun, Status
from tests.factories import OrganisationFactory, UserFactory


def test_forecast_run_refuses_a_missing_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "run", "--data", "/nonexistent/risk-data"]) == 2
    assert "no data directory" in capsys.readouterr().err


def test_the_refresh_is_scheduled() -> None:
    import chancery.risk.schedules  # noqa: F401

    names = {job.name for job in periodics()}
    assert "risk.forecast_refresh" in names


@pytest.mark.django_db
def test_the_demo_seed_populates_the_risk_view_once() -> None:
    UserFactory(username="analyst", role=Role.ANALYST, organisation=OrganisationFactory(code="mofa", kind="ministry"))
    risk_demo_seed()
    run = ModelRun.objects.get(model_name="conflict-quantile-gbm")
    assert run.data_source == "bundled demo extracts"
    assert run.data_cutoff == "2020-12"
    assert run.n_assessments > 150
    reviewed = Assessment.objects.filter(status__in=[Status.ACCEPTED, Status.ADJUSTED])
    assert reviewed.filter(kind="conflict").count() >= 30
    assert reviewed.filter(kind="conflict", country_iso3="VNM").exists()
    assert reviewed.filter(kind="crisis").count() >= 10
    assert reviewed.filter(kind="trade", subject="United States").exists()
    assert AIEvent.objects.filter(kind=AIEvent.Kind.REVIEW).count() == reviewed.count()
    assert set(ModelRun.objects.values_list("model_name", flat=True)) == {
        "conflict-quantile-gbm",
        "currency-crash-logit",
        "trade-huber-growth",
    }
    risk_demo_seed()
    assert ModelRun.objects.count() == 3


@pytest.mark.django_db
def test_an_administrator_runs_the_models_from_the_queue(ministry: object) -> None:
    from unittest import mock

    from tests.risk.conftest import fake_output, session

    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=ministry)
    client = session(admin)
    assert "Run the models now" in client.get("/risk/queue/").content.decode()
    from tests.risk.conftest import fake_crisis_output, fake_trade_output

    with (
        mock.patch("chancery.risk.services.conflict_run", return_value=fake_output()) as fitted,
        mock.patch("chancery.risk.services.crisis_run", return_value=fake_crisis_output()),
        mock.patch("chancery.risk.services.trade_run", return_value=fake_trade_output()),
    ):
        response = client.post("/risk/run/")
    assert response.status_code == 302
    fitted.assert_called_once()
    run = ModelRun.objects.get(model_name="conflict-quantile-gbm")
    assert run.assessments.filter(status=Status.DRAFT).count() == 3
    assert ModelRun.objects.get(model_name="currency-crash-logit").assessments.get(country_iso3="ZAF").kind == "crisis"
    assert ModelRun.objects.get(model_name="trade-huber-growth").assessments.count() == 2
    events = AIEvent.objects.filter(kind=AIEvent.Kind.RUN)
    assert events.count() == 3
    assert set(events.values_list("actor_username", flat=True)) == {"admin"}


@pytest.mark.django_db
def test_the_demo_seed_reviews_the_demo_initiatives_readings() -> None:
    from django.utils import timezone

    from chancery.intelligence import demo as intelligence_demo
    from chancery.platform.actor import Actor
    from chancery.risk.selectors import leadership_view

    ministry = OrganisationFactory(code="mofa", kind="ministry")
    UserFactory(username="analyst", role=Role.ANALYST, organisation=ministry)
    intelligence_demo.intelligence_demo_seed(today=timezone.now().date())
    risk_demo_seed()
    readings = Assessment.objects.filter(kind="sentiment")
    assert readings.count() == len(intelligence_demo.INITIATIVES)
    assert all(r.status == Status.ACCEPTED and (r.sample_size or 0) >= 30 for r in readings)
    view = leadership_view(actor=Actor.system(purpose="test"))
    assert {a.pk for a in view.sentiment} == set(readings.values_list("pk", flat=True))
    assert view.crisis
    assert view.trade
    assert AIEvent.objects.filter(kind=AIEvent.Kind.RUN, model_name="initiative-sentiment").count() == readings.count()


@pytest.mark.django_db
def test_the_run_command_runs_one_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "run", "--kind", "trade"]) == 0
    out = capsys.readouterr().out
    assert "trade-huber-growth v1" in out
    assert "await an analyst's review" in out
    assert set(Assessment.objects.values_list("kind", flat=True)) == {"trade"}
    assert not Assessment.objects.exclude(status=Status.DRAFT).exists()
