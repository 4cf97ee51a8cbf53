"""Fixtures of the risk tests: an analyst, an administrator, a partner and drafts from a fake model run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.risk.engine import CountryForecast, RunOutput
from chancery.risk.models import ModelRun
from chancery.risk.services import forecast_run
from tests.conftest import enable_totp
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def analyst(ministry: Organisation) -> User:
    return UserFactory(username="analyst", role=Role.ANALYST, organisation=ministry, clearance=Classification.SECRET)


@pytest.fixture
def administrator(ministry: Organisation) -> User:
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=ministry)


@pytest.fixture
def partner_user() -> User:
    partner = OrganisationFactory(code="partner-jp", kind="partner_ministry", country_code="JP")
    return UserFactory(username="partner", role=Role.PARTNER, organisation=partner)


def session(user: User) -> Client:
    if user.mfa_required:
        enable_totp(user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def forecast(iso3: str, name: str, probability: float) -> CountryForecast:
    return CountryForecast(
        iso3=iso3,
        name=name,
        horizon="2021-03",
        probability=probability,
        low=0.0,
        median=probability * 100,
        high=probability * 400,
        path=[{"month": "2021-03", "probability": probability, "low": 0.0, "median": 1.0, "high": 9.0}],
        drivers=[
            {
                "feature": "log_mean12",
                "contribution": 1.2,
                "text_en": "Deaths over the last 12 months raises the risk.",
                "text_vi": "Số người chết trong 12 tháng qua làm tăng rủi ro.",
            }
        ],
        history=[{"month": "2020-12", "deaths": 3.0}],
    )


def fake_output(probabilities: dict[str, float] | None = None) -> RunOutput:
    table = probabilities or {"SYR": 0.9, "MLI": 0.3, "VNM": 0.01}
    names = {"SYR": "Syria", "MLI": "Mali", "VNM": "Vietnam"}
    return RunOutput(
        model_name="conflict-quantile-gbm",
        model_version="1",
        data_cutoff="2020-12",
        forecasts=[forecast(code, names.get(code, code), p) for code, p in table.items()],
        notes=["fake run"],
    )


@pytest.fixture
def run() -> ModelRun:
    return forecast_run(actor=Actor.system(purpose="test"), output=fake_output())


def fake_crisis_output(probabilities: dict[str, float] | None = None) -> RunOutput:
    """A finished currency-crash run: one draft per currency, with bootstrap intervals and indicator evidence."""
    table = probabilities or {"ZAF": 0.4, "JPN": 0.02}
    return RunOutput(
        model_name="currency-crash-logit",
        model_version="1",
        data_cutoff="2020",
        kind="crisis",
        forecasts=[
            CountryForecast(
                iso3=code,
                name={"ZAF": "South Africa", "JPN": "Japan"}.get(code, code),
                horizon="2021-2022",
                probability=p,
                low=0.0,
                median=0.0,
                high=0.0,
                path=[],
                drivers=[
                    {
                        "feature": "depreciation",
                        "contribution": 0.8,
                        "text_en": "This year's depreciation raises the risk.",
                        "text_vi": "Mức mất giá năm nay làm tăng rủi ro.",
                        "value": 0.31,
                        "evidence_en": "Indicator: this year's depreciation = +31.0 %.",
                        "evidence_vi": "Chỉ số: mức mất giá năm nay = +31.0 %.",
                    }
                ],
                history=[],
                value_low=max(0.0, p - 0.05),
                value_high=min(1.0, p + 0.05),
            )
            for code, p in table.items()
        ],
        notes=["fake crisis run"],
    )


def fake_trade_output(values: dict[str, float] | None = None) -> RunOutput:
    """A finished export-forecast run: one draft per partner with its 80 % interval."""
    table = values or {"Japan": 20000.0, "United States": 45000.0}
    codes = {"Japan": "JPN", "United States": "USA"}
    return RunOutput(
        model_name="trade-huber-growth",
        model_version="1",
        data_cutoff="2017",
        kind="trade",
        forecasts=[
            CountryForecast(
                iso3=codes.get(name, ""),
                name=name,
                subject=name,
                horizon="2018",
                probability=0.0,
                low=0.0,
                median=0.0,
                high=0.0,
                path=[],
                drivers=[],
                history=[],
                value=value,
                value_low=value * 0.7,
                value_high=value * 1.4,
            )
            for name, value in table.items()
        ],
        notes=["fake trade run"],
    )
