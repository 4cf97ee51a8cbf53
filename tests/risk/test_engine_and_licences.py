"""The product's crisis and trade runs on the bundled extracts, their bad input, and what the demo may ship."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chancery.risk.engine import DEMO_DATA, crisis_run, trade_run
from chancery.risk.partners import ISO3_BY_PARTNER
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.gravity import PARAMS
from tests.analytics.forecast.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]


def test_the_crisis_run_forecasts_each_currency_with_an_interval_and_evidence() -> None:
    output = crisis_run(DEMO_DATA)
    assert output.kind == "crisis"
    assert output.model_name == "currency-crash-logit"
    assert output.data_cutoff == "2020"
    codes = {f.iso3 for f in output.forecasts}
    assert {"JPN", "KOR", "ZAF", "BRA", "EMU"} <= codes
    for forecast in output.forecasts:
        assert forecast.horizon == "2021-2022"
        assert 0 <= forecast.probability <= 1
        assert forecast.value_low is not None
        assert forecast.value_high is not None
        assert 0 <= forecast.value_low <= forecast.value_high <= 1
        assert forecast.drivers
        assert all(d["evidence_en"].startswith("Indicator: ") for d in forecast.drivers)
        assert all(d["evidence_vi"].startswith("Chỉ số: ") for d in forecast.drivers)
    assert "crashes" in output.notes[-1]


def test_the_trade_run_forecasts_sizeable_partners_with_an_interval() -> None:
    output = trade_run(DEMO_DATA, iso3_by_partner=ISO3_BY_PARTNER)
    assert output.kind == "trade"
    assert output.data_cutoff == "2017"
    by_partner = {f.subject: f for f in output.forecasts}
    usa = by_partner["United States"]
    assert usa.iso3 == "USA"
    assert usa.horizon == "2018"
    assert usa.value is not None
    assert usa.value_low is not None
    assert usa.value_high is not None
    assert usa.value_low < usa.value < usa.value_high
    assert all(f.detail["last_exports"] >= 100 for f in output.forecasts)


def test_the_crisis_model_trains_without_the_non_commercial_data(tmp_path: Path) -> None:
    """Only FRED and World Bank extracts are needed: no JST, no Laeven-Valencia."""
    for name in ("fred-exchange-rates", "wdi-gdp-inflation"):
        shutil.copytree(DEMO_DATA / name, tmp_path / name)
    output = crisis_run(tmp_path)
    assert len(output.forecasts) > 15


def test_crisis_and_trade_runs_refuse_bad_data_plainly(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no data directory"):
        crisis_run(tmp_path / "missing")
    with pytest.raises(DataError, match="no data directory"):
        trade_run(tmp_path / "missing")
    write_csv(
        tmp_path / "fred-exchange-rates" / "fx_annual.csv",
        ["Date", "Country", "Exchange rate"],
        [["2019-01-01", "Atlantis", "3"], ["not a date", "Japan", "x"]],
    )
    with pytest.raises(DataError, match="no usable annual rate"):
        crisis_run(tmp_path)
    write_csv(
        tmp_path / "fred-exchange-rates" / "fx_annual.csv",
        ["Date", "Country", "Exchange rate"],
        [[f"{year}-01-01", "Japan", str(100 + year % 7)] for year in range(2000, 2010)],
    )
    with pytest.raises(DataError, match="too few currency-years"):
        crisis_run(tmp_path)


def test_nothing_from_the_non_commercial_jst_data_ships() -> None:
    shipped = {path.name for path in DEMO_DATA.iterdir()}
    assert "jst-macrohistory" not in shipped
    for path in DEMO_DATA.rglob("*"):
        if path.is_file() and path.suffix == ".csv":
            header = path.open(encoding="utf-8").readline()
            assert "crisisJST" not in header
            assert "tloans" not in header
    assert "jst" not in PARAMS.read_text(encoding="utf-8").lower()
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    assert "Jordà-Schularick-Taylor Macrohistory Database (CC BY-NC-SA 4.0" in notice
    assert "rta_gravity.json" in notice
    card = (ROOT / "docs" / "models" / "forecast_crises.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA" in card
    assert "nothing derived from it" in card
