from pathlib import Path

import numpy as np
import pytest

from chancery_analytics.forecast.conflict import ConflictModel, baseline_probability, baseline_samples
from chancery_analytics.forecast.conflict_backtest import conflict_backtest
from chancery_analytics.forecast.conflict_data import conflict_panel_load, years_since_conflict
from chancery_analytics.forecast.conflict_year import country_year_onset_rows
from chancery_analytics.forecast.data import DataError, month_index

from .conftest import write_csv


def test_panel_reads_split_files_and_counts_skips(conflict_dir: Path) -> None:
    panel = conflict_panel_load(conflict_dir)
    assert panel.country_ids == [1, 2, 3, 4, 5, 6]
    assert panel.first_month == 121
    assert panel.last_month == 180
    assert panel.report.skipped["row for a country not in country_key.csv"] == 1
    assert panel.report.skipped["row with a malformed month_id or country_id"] == 1
    assert any("annual conflict history unavailable" in reason for reason in panel.report.skipped)


def test_baselines_are_the_last_month_and_the_last_twelve(conflict_dir: Path) -> None:
    panel = conflict_panel_load(conflict_dir)
    origin = 150
    base = baseline_samples(panel, origin)
    column = panel.column(origin)
    assert np.array_equal(base["persistence"][:, 0], panel.fatalities[:, column])
    assert np.array_equal(base["conflictology"], panel.fatalities[:, column - 11 : column + 1])
    assert not base["zero"].any()
    probability, score = baseline_probability("persistence", base["persistence"])
    assert set(probability.tolist()) <= {0.0, 1.0}
    assert score[0] > score[5]  # country 1 (300 a month) ranks above a quiet one


def test_model_fits_predicts_and_explains_in_both_languages(conflict_dir: Path) -> None:
    panel = conflict_panel_load(conflict_dir)
    model = ConflictModel(max_iter=20).fit(panel, cutoff=160)
    forecast = model.predict(panel, origin=160, step=3)
    assert forecast.samples.shape[0] == 6
    assert (forecast.samples >= 0).all()
    assert forecast.p_incidence[0] > forecast.p_incidence[5]
    assert forecast.quiet[5]
    assert not forecast.quiet[0]
    assert np.isnan(forecast.p_onset[0])
    assert not np.isnan(forecast.p_onset[5])
    drivers = model.explain(panel, origin=160, step=3, country_id=1)
    assert drivers
    assert all(d.text_en and d.text_vi for d in drivers)
    with pytest.raises(KeyError):
        model.explain(panel, origin=160, step=3, country_id=42)


def test_model_refuses_data_without_conflict(conflict_dir: Path) -> None:
    panel = conflict_panel_load(conflict_dir)
    panel.fatalities[:] = 0.0
    with pytest.raises(ValueError, match="too little conflict history"):
        ConflictModel().fit(panel, cutoff=170)


def test_backtest_reports_model_baselines_and_the_quiet_subset(conflict_dir: Path) -> None:
    result = conflict_backtest(conflict_dir, test_from=month_index(1993, 1), test_to=month_index(1994, 12))
    data = result.to_json()
    assert data["train_to"] == "1992-10"
    assert [row["name"] for row in data["rows"]] == ["model", "zero", "persistence", "conflictology"]
    assert [row["baseline"] for row in data["rows"]] == [False, True, True, True]
    assert set(data["rows"][0]["metrics"]) >= {"crps", "crps_log1p", "auroc", "aupr", "brier"}
    assert data["rows"][1]["metrics"]["brier"] > 0  # zero misses every incidence
    assert [row["name"] for row in data["subsets"]["no_deaths_past_24_months"]][-1] == "decay_since_conflict"
    assert data["rows"][0]["calibration"]["incidence"]


def test_backtest_outside_the_data_is_a_clear_error(conflict_dir: Path) -> None:
    with pytest.raises(DataError, match="no conflict data after"):
        conflict_backtest(conflict_dir, test_from=month_index(1994, 1), test_to=month_index(1995, 6))
    with pytest.raises(DataError, match="not enough history"):
        conflict_backtest(conflict_dir, test_from=month_index(1990, 6), test_to=month_index(1991, 6))


def test_years_since_conflict() -> None:
    annual = np.array([[30.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert years_since_conflict(annual, 2000, 2002).tolist() == [2.0, 60.0]


def test_country_year_onsets_model_beside_decay(tmp_path: Path) -> None:
    conflict_years = {1: {1960, 1961, 1980, 1981, 1995, 1999}, 2: set(), 3: {1990, 1997}, 4: {1970}}
    rows: list[list[object]] = [
        [gw, year, 100.0 if year in years else 0.0, 1e6 * gw, 1000.0, 0.5]
        for gw, years in conflict_years.items()
        for year in range(1950, 2001)
    ]
    write_csv(
        tmp_path / "ucdp-conflict-country-year" / "country_year_panel.csv",
        ["gwcode", "year", "best", "population", "gdppc", "v2x_libdem"],
        rows,
    )
    scored, note = country_year_onset_rows(tmp_path, 1991, 2000)
    assert [row.name for row in scored] == ["model", "decay_since_conflict"]
    assert scored[1].baseline
    assert not scored[0].baseline
    assert "3 onsets" in note  # 1995, 1997 and 1999 followed a quiet year
    assert scored[0].metrics["n"] == scored[1].metrics["n"] == 36.0  # 40 country-years, 4 after a conflict year
    assert scored[1].metrics["auroc"] > 0.5


def test_backtest_without_the_annual_panel_says_so(conflict_dir: Path) -> None:
    result = conflict_backtest(conflict_dir, test_from=month_index(1994, 1), test_to=month_index(1994, 12))
    assert "country_year_onset" not in result.subsets
    assert any("country-year onsets not scored" in note for note in result.notes)
