"""Bad input: malformed or missing indicator rows, unknown countries, scenarios outside the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput
from chancery.risk.engine import DEMO_DATA, conflict_run
from chancery.risk.models import ModelRun
from chancery.risk.selectors import country_code_clean
from chancery.risk.services import forecast_run
from chancery_analytics.forecast.data import DataError
from tests.risk.conftest import session


def test_malformed_and_unknown_rows_are_skipped_counted_and_the_rest_forecast(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEMO_DATA, data)
    table = data / "views-cm" / "cm_features_global_2018_2020.csv"
    with table.open("a", encoding="utf-8") as handle:
        handle.write("not-a-month,1,110,3,,,,,,,,,,\n")  # malformed month
        handle.write("480,99999,999,3,,,,,,,,,,\n")  # a country not in country_key.csv
        handle.write("480,1,110\n")  # wrong number of fields
    output = conflict_run(data, max_iter=10, max_rows=3000)
    notes = " ".join(output.notes)
    assert "malformed row (wrong number of fields)" in notes
    assert "country_key.csv" in notes
    codes = {f.iso3 for f in output.forecasts}
    assert len(codes) > 150
    assert "VNM" in codes
    assert "SYR" in codes
    syria = next(f for f in output.forecasts if f.iso3 == "SYR")
    assert 0 <= syria.probability <= 1
    assert syria.low <= syria.median <= syria.high
    assert output.data_cutoff == "2020-12"
    assert syria.horizon == "2021-03"
    assert syria.drivers
    assert all(d["text_en"] and d["text_vi"] for d in syria.drivers)
    assert len(syria.history) == 12


def test_a_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "views-cm"
    folder.mkdir()
    shutil.copy(DEMO_DATA / "views-cm" / "country_key.csv", folder / "country_key.csv")
    (folder / "cm_features_global_2018_2020.csv").write_text("month_id,country_id\n480,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        conflict_run(tmp_path)


@pytest.mark.django_db
def test_a_missing_data_directory_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        forecast_run(actor=Actor.system(purpose="test"), data=tmp_path / "nowhere")
    assert "data" in caught.value.errors
    assert not ModelRun.objects.exists()


@given(st.text(max_size=8))
@example("ßa")  # upper-cases to "SSA": three ASCII letters only after upper-casing
def test_country_codes_are_three_ascii_letters_or_refused(raw: str) -> None:
    stripped = raw.strip()
    if len(stripped) == 3 and stripped.isascii() and stripped.isalpha():
        assert country_code_clean(raw) == stripped.upper()
    else:
        with pytest.raises(InvalidInput) as caught:
            country_code_clean(raw)
        assert "country" in caught.value.errors


@pytest.mark.django_db
def test_unknown_and_malformed_countries_are_404(run: ModelRun, desk_officer: User) -> None:
    client = session(desk_officer)
    assert client.get("/risk/countries/XXX/").status_code == 404
    assert client.get("/risk/countries/12/").status_code == 404
    assert client.get("/api/v1/risk/countries/XXX").status_code == 404
    assert client.get("/api/v1/risk/countries/1").status_code == 422


@pytest.mark.django_db
def test_a_scenario_outside_the_data_is_flagged_on_the_page_and_in_the_api(analyst: User) -> None:
    client = session(analyst)
    page = client.get(
        "/risk/scenario/", {"partner": "Japan", "currency": "-80", "commodity": "PCOFFROB", "commodity_change": "0"}
    ).content.decode()
    assert "Warning: outside what the data supports." in page
    body = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "currency_change_pct": -80}, content_type="application/json"
    ).json()
    assert body["outside_data"] is True
    assert any("outside what the data supports" in w for w in body["warnings"])
    assert body["low"] <= body["scenario"] <= body["high"]
    calm = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "currency_change_pct": -5}, content_type="application/json"
    ).json()
    assert calm["outside_data"] is False
    assert calm["scenario"] > 0


@pytest.mark.django_db
def test_a_scenario_for_an_unknown_partner_or_impossible_fall_is_a_clear_error(analyst: User) -> None:
    client = session(analyst)
    page = client.get(
        "/risk/scenario/", {"partner": "Atlantis", "currency": "0", "commodity": "PCOFFROB", "commodity_change": "0"}
    ).content.decode()
    assert "no exports to &#x27;Atlantis&#x27;" in page or "no exports to 'Atlantis'" in page
    response = client.post(
        "/api/v1/risk/scenarios", {"partner": "Japan", "currency_change_pct": -100}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "100 %" in response.json()["detail"]
