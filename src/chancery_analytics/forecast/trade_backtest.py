"""Rolling-origin backtest of Viet Nam's exports by partner, one year ahead, scored by MALE.

For each test year Y the model is refitted on growth known by the end of Y-1 and forecasts Y for every
partner with exports of at least US$1 million in Y-1 and a positive value in Y. Baselines: the random
walk (last year's value) and the drift (last value times the partner's mean growth over three years).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from chancery_analytics.forecast import metrics
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.results import BacktestResult, ScoreRow
from chancery_analytics.forecast.trade import TradeModel, partners_to_score, trade_data_load

DEV_END = 2017
DEFAULT_SPAN = 5


def trade_backtest(data: Path, *, test_from: int | None = None, test_to: int | None = None) -> BacktestResult:
    """Run the trade backtest for years ``test_from``..``test_to``; needs ``imf-dots-exports`` covering them.

    Emits rows for the model, the random walk and the drift, each with MALE and the share of partners
    whose actual value fell inside the model's 80 % interval (``coverage80``, model only).
    """
    trade = trade_data_load(data)
    fallback = trade.last_year if test_from is not None else min(trade.last_year, DEV_END)
    end = test_to if test_to is not None else fallback
    start = test_from if test_from is not None else end - DEFAULT_SPAN + 1
    if end > trade.last_year:
        raise DataError(f"Viet Nam's exports end in {trade.last_year}; --test-to must not be later")
    if end < start:
        raise DataError("--test-to is before --test-from")
    predicted: dict[str, list[float]] = {"model": [], "random_walk": [], "drift": []}
    actual: list[float] = []
    inside: list[bool] = []
    per_year: dict[str, dict[str, float]] = {}
    for year in range(start, end + 1):
        partners = partners_to_score(trade, year)
        if not partners:
            continue
        model = TradeModel().fit(trade, origin=year - 1)
        low, high = model.interval(0.8)
        forecast = model.predict(trade, origin=year - 1, partners=partners)
        last = np.array([trade.exports[p][year - 1] for p in partners])
        truth = np.array([trade.exports[p][year] for p in partners])
        drift = []
        for p, value in zip(partners, last, strict=True):
            past = [trade.exports[p].get(year - 1 - k) for k in range(4)]
            if all(v is not None and v > 0 for v in past):
                growth = math.log(float(past[0]) / float(past[3])) / 3.0  # type: ignore[arg-type]
                drift.append(value * math.exp(growth))
            else:
                drift.append(value)
        predicted["model"].extend(forecast.tolist())
        predicted["random_walk"].extend(last.tolist())
        predicted["drift"].extend(drift)
        actual.extend(truth.tolist())
        errors = np.log(truth) - np.log(forecast)
        inside.extend(((errors >= low) & (errors <= high)).tolist())
        per_year[str(year)] = {
            "model": metrics.male(forecast, truth),
            "random_walk": metrics.male(last, truth),
            "n": float(len(partners)),
        }
    if not actual:
        raise DataError("no partner-year to score in the trade test period")
    truth_all = np.array(actual)
    rows = []
    for name, values in predicted.items():
        detail: dict[str, object] = {}
        row_metrics = {"male": metrics.male(np.array(values), truth_all), "n": float(len(actual))}
        if name == "model":
            row_metrics["coverage80"] = float(np.mean(inside))
            detail["by_year"] = per_year
        rows.append(ScoreRow(name=name, baseline=name != "model", metrics=row_metrics, detail=detail))
    return BacktestResult(
        task="trade",
        train_to=f"{start - 1}-12",
        test_from=f"{start}-01",
        test_to=f"{end}-12",
        rows=rows,
        notes=[f"{len(actual)} partner-years scored (Viet Nam's exports, US$ million). " + trade.report.summary()],
        n_test=len(actual),
    )
