import math
from pathlib import Path

import pytest

from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.scenario import OUTSIDE, scenario_run
from chancery_analytics.forecast.trade import (
    TradeModel,
    agreements_in_force,
    exposure_table,
    matched_growth,
    trade_data_load,
)
from chancery_analytics.forecast.trade_backtest import trade_backtest


def test_exports_read_from_split_files_without_aggregates(trade_dir: Path) -> None:
    data = trade_data_load(trade_dir)
    assert set(data.exports) == {"Japan", "Korea, Rep. of", "Germany", "Chile", "Thailand"}
    assert data.last_year == 2017
    assert data.report.skipped == {"trade row with a malformed id, year or value": 1}
    assert data.world_imports["Japan"][1995] > data.exports["Japan"][1995]


def test_agreements_in_force_by_year() -> None:
    assert agreements_in_force("Korea, Rep. of", 2016) == ["AKFTA", "VKFTA"]
    assert agreements_in_force("Korea, Rep. of", 2006) == []
    assert "EVFTA" in agreements_in_force("Germany", 2020)


def test_backtest_compares_with_the_random_walk(trade_dir: Path) -> None:
    data = trade_backtest(trade_dir, test_from=2010, test_to=2017).to_json()
    names = [row["name"] for row in data["rows"]]
    assert names == ["model", "random_walk", "drift"]
    assert all(row["metrics"]["male"] > 0 for row in data["rows"])
    assert 0 <= data["rows"][0]["metrics"]["coverage80"] <= 1


def test_model_explains(trade_dir: Path) -> None:
    data = trade_data_load(trade_dir)
    model = TradeModel().fit(data, origin=2016)
    drivers = model.explain(data, origin=2016, partner="Japan")
    assert drivers
    assert "forecast growth" in drivers[0].text_en
    assert "tăng trưởng dự báo" in drivers[0].text_vi


def test_scenario_moves_the_forecast_and_gives_an_interval(trade_dir: Path) -> None:
    result = scenario_run(trade_dir, partner="Japan", currency_change_pct=-5)
    assert result.year == 2018
    assert result.low < result.scenario < result.high
    assert math.isfinite(result.effects["currency"])


def test_scenario_outside_the_data_warns(trade_dir: Path) -> None:
    result = scenario_run(trade_dir, partner="Japan", currency_change_pct=-90, commodity_change_pct=300)
    assert any(OUTSIDE in warning and "currency" in warning for warning in result.warnings)
    assert any(OUTSIDE in warning and "PCOFFROB" in warning for warning in result.warnings)
    assert result.to_json()["outside_data"] is True


def test_scenario_bad_inputs_are_clear_errors(trade_dir: Path) -> None:
    with pytest.raises(DataError, match="no exports to 'Narnia'"):
        scenario_run(trade_dir, partner="Narnia")
    with pytest.raises(DataError, match="unknown agreement"):
        scenario_run(trade_dir, partner="Japan", agreement="XYZ")
    with pytest.raises(DataError, match="not a party"):
        scenario_run(trade_dir, partner="Germany", agreement="CPTPP")
    with pytest.raises(DataError, match="100 %"):
        scenario_run(trade_dir, partner="Japan", currency_change_pct=-100)
    with pytest.raises(DataError, match="unknown commodity"):
        scenario_run(trade_dir, partner="Japan", commodity="NOPE", commodity_change_pct=5)


def test_exposure_table_joins_agreements_and_mirror_imports(trade_dir: Path) -> None:
    data = trade_data_load(trade_dir)
    table = exposure_table(data, 2008)
    assert abs(sum(row.export_share for row in table) - 1.0) < 1e-9
    assert table[0].exports >= table[-1].exports
    korea = next(row for row in table if row.partner == "Korea, Rep. of")
    assert korea.agreements == ("AKFTA",)
    japan = next(row for row in table if row.partner == "Japan")
    assert japan.imports_mirror == 100.0
    with pytest.raises(DataError, match="no export data for 1950"):
        exposure_table(data, 1950)


def test_matched_growth_ignores_coverage_changes() -> None:
    series = [{2000: 100.0, 2001: 110.0}, {2000: 50.0}, {2001: 70.0}]
    assert matched_growth(series) == {2001: math.log(1.1)}


def test_scenario_agreement_effect_from_gravity_with_a_caveat(trade_dir: Path, tmp_path: Path) -> None:
    from chancery_analytics.forecast.gravity import gravity_fit
    from tests.analytics.forecast.test_gravity import ENTRY, build_gravity

    build_gravity(tmp_path)
    rta = gravity_fit(tmp_path)
    result = scenario_run(trade_dir, partner="Korea, Rep. of", agreement="RCEP", rta=rta)
    assert result.effects["agreement"] == pytest.approx(rta.entry.value)
    assert abs(result.effects["agreement"] - ENTRY) < 0.05  # the synthetic gravity data carry an entry effect of 0.3
    assert result.scenario > result.base
    committed = scenario_run(trade_dir, partner="Korea, Rep. of", agreement="RCEP")
    assert committed.effects["agreement"] == pytest.approx(0.122113)
    assert any("AKFTA" in note for note in result.notes)
    assert not result.warnings
    already = scenario_run(trade_dir, partner="Korea, Rep. of", agreement="AKFTA")
    assert "agreement" not in already.effects
    assert any("already in the base" in note for note in already.notes)
    assert not already.warnings
