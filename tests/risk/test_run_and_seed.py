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
    run = ModelRun.objects.get()
    assert run.data_source == "bundled demo extracts"
    assert run.data_cutoff == "2020-12"
    assert run.n_assessments > 150
    reviewed = Assessment.objects.filter(status__in=[Status.ACCEPTED, Status.ADJUSTED])
    assert reviewed.count() >= 30
    assert reviewed.filter(country_iso3="VNM").exists()
    assert AIEvent.objects.filter(kind=AIEvent.Kind.REVIEW).count() == reviewed.count()
    risk_demo_seed()
    assert ModelRun.objects.count() == 1


@pytest.mark.django_db
def test_an_administrator_runs_the_models_from_the_queue(ministry: object) -> None:
    from unittest import mock

    from tests.risk.conftest import fake_output, session

    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=ministry)
    client = session(admin)
    assert "Run the models now" in client.get("/risk/queue/").content.decode()
    with mock.patch("chancery.risk.services.conflict_run", return_value=fake_output()) as fitted:
        response = client.post("/risk/run/")
    assert response.status_code == 302
    fitted.assert_called_once()
    run = ModelRun.objects.get()
    assert run.assessments.filter(status=Status.DRAFT).count() == 3
    assert AIEvent.objects.get(kind=AIEvent.Kind.RUN).actor_username == "admin"
