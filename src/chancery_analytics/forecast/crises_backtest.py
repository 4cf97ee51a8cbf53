"""Rolling-origin backtest of the crisis models: one refit per year, on labels known at that origin.

A row of year t (data to the end of t) forecasts a crisis starting in t+1 or t+2. The test period
[Y0, Y1] scores the rows t = Y0-1 .. Y1-2, whose two-year windows lie inside it; each is forecast by
models fitted on rows s <= t-2 (their windows had closed by the end of t).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast import metrics
from chancery_analytics.forecast.crises import (
    CrisisModel,
    CrisisPanel,
    banking_panel_load,
    currency_panel_load,
    single_indicator,
)
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.results import BacktestResult, ScoreRow

DEV_LABEL_END = 2000
DEFAULT_SPAN = 15


def _score_panel(
    panel: CrisisPanel,
    *,
    first: int,
    last: int,
    single: int,
    single_name: str,
    logit_columns: tuple[int, ...],
) -> tuple[list[ScoreRow], int, int]:
    forecasters = ("model", single_name, "logit")
    probabilities: dict[str, list[float]] = {name: [] for name in forecasters}
    scores: dict[str, list[float]] = {name: [] for name in forecasters}
    labels: list[bool] = []
    for year in range(first, last + 1):
        test = (panel.years == year) & panel.label_known
        if not test.any():
            continue
        train = (panel.years <= year - 2) & panel.label_known
        model = CrisisModel().fit(panel, train)
        logit = CrisisModel(columns=logit_columns, c=1e4, name="logit").fit(panel, train)
        indicator = CrisisModel(columns=(single,), c=1e4, name=single_name).fit(panel, train)
        p_model = model.predict(panel, test)
        p_logit = logit.predict(panel, test)
        p_single = indicator.predict(panel, test)
        probabilities["model"].extend(p_model.tolist())
        scores["model"].extend(p_model.tolist())
        probabilities["logit"].extend(p_logit.tolist())
        scores["logit"].extend(p_logit.tolist())
        probabilities[single_name].extend(p_single.tolist())
        scores[single_name].extend(single_indicator(panel, test, single).tolist())
        labels.extend(panel.label[test].tolist())
    y = np.array(labels, dtype=bool)
    rows = []
    for name in forecasters:
        p = np.array(probabilities[name])
        s = np.array(scores[name])
        rows.append(
            ScoreRow(
                name=name,
                baseline=name != "model",
                metrics={
                    "auroc": metrics.auroc(s, y),
                    "aupr": metrics.aupr(s, y),
                    "brier": metrics.brier(p, y),
                    "n": float(len(y)),
                    "events": float(y.sum()),
                },
                calibration={f"{panel.target}_next_2_years": metrics.calibration_table(p, y)},
            )
        )
    return rows, len(y), int(y.sum())


def crises_backtest(data: Path, *, test_from: int | None = None, test_to: int | None = None) -> BacktestResult:
    """Run the crisis backtest for years ``test_from``..``test_to`` (banking in ``rows``, currency in ``subsets``).

    Needs ``jst-macrohistory`` (banking) and ``fred-exchange-rates`` (currency); labels must reach
    ``test_to`` (else :class:`DataError` names the last labelled year).
    """
    banking = banking_panel_load(data)
    fallback = banking.label_end if test_from is not None else min(banking.label_end, DEV_LABEL_END)
    end = test_to if test_to is not None else fallback
    start = test_from if test_from is not None else end - DEFAULT_SPAN + 1
    if end < start + 1:
        raise DataError("the crisis test period must cover at least two years (--test-from .. --test-to)")
    if end > banking.label_end:
        raise DataError(f"banking-crisis labels end in {banking.label_end}; --test-to must not be later")
    credit = banking.feature_names.index("credit_gdp_change5")
    classic = tuple(banking.feature_names.index(n) for n in ("credit_gdp_change5", "gdp_growth", "inflation"))
    rows, n_bank, events_bank = _score_panel(
        banking, first=start - 1, last=end - 2, single=credit, single_name="credit_to_gdp_change", logit_columns=classic
    )
    notes = [
        (
            f"banking (JST, 18 economies): {n_bank} country-years scored, {events_bank} with a crisis start "
            f"in the next two years; {banking.report.summary()}"
        )
    ]
    subsets: dict[str, list[ScoreRow]] = {}
    try:
        currency = currency_panel_load(data)
        if end <= currency.label_end:
            depreciation = currency.feature_names.index("depreciation")
            columns = tuple(currency.feature_names.index(n) for n in ("depreciation", "inflation", "gdp_usd_growth"))
            subsets["currency_crash"], n_cur, events_cur = _score_panel(
                currency,
                first=start - 1,
                last=end - 2,
                single=depreciation,
                single_name="past_depreciation",
                logit_columns=columns,
            )
            notes.append(
                f"currency crash (FRED, Frankel-Rose): {n_cur} country-years scored, {events_cur} with a crash "
                f"in the next two years; {currency.report.summary()}"
            )
        else:
            notes.append(f"currency crash not scored: exchange rates end in {currency.label_end}")
    except DataError as error:
        notes.append(f"currency crash not scored: {error}")
    return BacktestResult(
        task="crises",
        train_to=f"{start - 1}-12",
        test_from=f"{start}-01",
        test_to=f"{end}-12",
        rows=rows,
        subsets=subsets,
        notes=notes,
        n_test=n_bank,
    )


def as_mask(values: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Return ``values`` as a boolean mask (helper for callers building row selections)."""
    return np.asarray(values, dtype=bool)
