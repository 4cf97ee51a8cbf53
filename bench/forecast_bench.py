"""Forecasting: time to fit and backtest each model over the development period, and to forecast every country.

Each model's figure is printed beside its baselines' time measured in the same run (wall and CPU seconds),
so a ratio holds on a busy machine. Single-threaded (the quantile GBMs run with one OpenMP thread).

Usage (from the repository root): .venv/bin/python bench/forecast_bench.py [--data DIR] [--skip-backtest]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from chancery_analytics.forecast.cli import default_data_dir


def timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def conflict(data: Path, results: dict[str, Any]) -> None:
    from chancery_analytics.forecast.conflict import ConflictModel, baseline_samples
    from chancery_analytics.forecast.conflict_data import conflict_panel_load

    panel, wall, cpu = timed(lambda: conflict_panel_load(data))
    results["conflict_load"] = (wall, cpu)
    origin = min(panel.last_month, 492)
    model, wall, cpu = timed(lambda: ConflictModel().fit(panel, cutoff=origin))
    results["conflict_fit_full_dev"] = (wall, cpu)
    _, wall, cpu = timed(lambda: [model.predict(panel, origin=origin, step=s) for s in range(1, 13)])
    results["conflict_forecast_all_countries_12_steps"] = (wall, cpu)
    _, wall, cpu = timed(lambda: baseline_samples(panel, origin))
    results["conflict_baselines_all_countries"] = (wall, cpu)
    results["conflict_countries"] = len(panel.country_ids)


def crises(data: Path, results: dict[str, Any]) -> None:
    from chancery_analytics.forecast.crises import CrisisModel, banking_panel_load, currency_panel_load

    for name, loader in (("banking", banking_panel_load), ("currency", currency_panel_load)):
        panel, wall, cpu = timed(partial(loader, data))
        results[f"{name}_load"] = (wall, cpu)
        known = panel.label_known
        model, wall, cpu = timed(partial(CrisisModel().fit, panel, known))
        results[f"{name}_fit_full_dev"] = (wall, cpu)
        latest = panel.years == panel.years.max()
        _, wall, cpu = timed(partial(model.predict, panel, latest))
        results[f"{name}_forecast_all_countries"] = (wall, cpu)


def trade(data: Path, results: dict[str, Any]) -> None:
    from chancery_analytics.forecast.trade import TradeModel, trade_data_load

    loaded, wall, cpu = timed(lambda: trade_data_load(data))
    results["trade_load"] = (wall, cpu)
    origin = min(loaded.last_year, 2017)
    model, wall, cpu = timed(lambda: TradeModel().fit(loaded, origin=origin))
    results["trade_fit_full_dev"] = (wall, cpu)
    partners = sorted(p for p, t in loaded.exports.items() if t.get(origin, 0) > 0)
    _, wall, cpu = timed(lambda: model.predict(loaded, origin=origin, partners=partners))
    results["trade_forecast_all_partners"] = (wall, cpu)
    _, wall, cpu = timed(lambda: np.array([loaded.exports[p][origin] for p in partners]))
    results["trade_random_walk_all_partners"] = (wall, cpu)
    results["trade_partners"] = len(partners)


def backtests(data: Path, results: dict[str, Any]) -> None:
    from chancery_analytics.forecast.cli import backtest_run

    for task in ("conflict", "crises", "trade"):
        _, wall, cpu = timed(partial(backtest_run, task, data, None, None))
        results[f"{task}_backtest_default_period"] = (wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    parser.add_argument("--skip-backtest", action="store_true")
    args = parser.parse_args()
    data = default_data_dir(args.data)
    if data is None:
        raise SystemExit("no data directory: pass --data")
    results: dict[str, Any] = {}
    conflict(data, results)
    crises(data, results)
    trade(data, results)
    if not args.skip_backtest:
        backtests(data, results)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    for key, value in results.items():
        if isinstance(value, tuple):
            print(f"{key:45s} wall {value[0]:8.2f} s   cpu {value[1]:8.2f} s")
        else:
            print(f"{key:45s} {value}")
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
