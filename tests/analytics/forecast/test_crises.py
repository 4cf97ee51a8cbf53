from pathlib import Path

import pytest

from chancery_analytics.forecast.crises import CrisisModel, banking_panel_load, currency_panel_load
from chancery_analytics.forecast.crises_backtest import crises_backtest
from chancery_analytics.forecast.data import DataError


def test_banking_labels_cover_the_next_two_years(crises_dir: Path) -> None:
    panel = banking_panel_load(crises_dir)
    rows = {(c, int(y)): bool(lab) for c, y, lab in zip(panel.countries, panel.years, panel.label, strict=True)}
    assert rows[("Alpha", 1988)]
    assert rows[("Alpha", 1989)]
    assert not rows[("Alpha", 1990)]
    assert rows[("Alpha", 1958)]  # a JST crisis before 1970
    assert ("Alpha", 1916) not in rows  # war years are left out
    assert panel.label_end == 2000


def test_frankel_rose_crashes_from_exchange_rates(crises_dir: Path) -> None:
    panel = currency_panel_load(crises_dir)
    rows = {(c, int(y)): bool(lab) for c, y, lab in zip(panel.countries, panel.years, panel.label, strict=True)}
    assert rows[("Thailand", 1996)]
    assert rows[("Thailand", 1995)]
    assert not rows[("Thailand", 1997)]


def test_model_explains_in_both_languages(crises_dir: Path) -> None:
    panel = banking_panel_load(crises_dir)
    model = CrisisModel().fit(panel, panel.label_known)
    drivers = model.explain(panel, 10)
    assert drivers
    assert drivers[0].text_vi


def test_backtest_scores_model_single_indicator_and_logit(crises_dir: Path) -> None:
    data = crises_backtest(crises_dir, test_from=1985, test_to=2000).to_json()
    assert [row["name"] for row in data["rows"]] == ["model", "credit_to_gdp_change", "logit"]
    assert data["rows"][1]["metrics"]["auroc"] > 0.5  # credit booms precede the synthetic crises
    assert [row["name"] for row in data["subsets"]["currency_crash"]] == ["model", "past_depreciation", "logit"]
    assert data["test_from"] == "1985-01"
    assert data["train_to"] == "1984-12"


def test_test_period_beyond_the_labels_is_refused(crises_dir: Path) -> None:
    with pytest.raises(DataError, match="labels end in 2000"):
        crises_backtest(crises_dir, test_from=1995, test_to=2005)
