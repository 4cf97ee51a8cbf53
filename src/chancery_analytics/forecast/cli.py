"""``chancery forecast backtest`` and ``chancery forecast scenario``: the forecasting models from the command line."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from chancery_analytics.forecast.data import DataError, month_index, parse_month
from chancery_analytics.forecast.results import BacktestResult, ScoreRow

console = Console(stderr=True, highlight=False)
TASKS = ("conflict", "crises", "trade")
METRIC_ORDER = ("crps", "crps_log1p", "auroc", "aupr", "brier", "male", "coverage80", "n", "events")


def default_data_dir(explicit: str | None = None) -> Path | None:
    """Return ``explicit``, else ``$CHANCERY_SHARED_DATA``, else ``../shared/data`` beside the repository.

    None when none of them is given or present.
    """
    if explicit:
        return Path(explicit)
    env = os.environ.get("CHANCERY_SHARED_DATA")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists():
            candidate = parent.parent / "shared" / "data"
            return candidate if candidate.is_dir() else None
    return None


def _period(raw: str | None, flag: str) -> tuple[int, int] | None:
    if raw is None:
        return None
    parsed = parse_month(raw)
    if parsed is None:
        raise DataError(f"{flag} must look like YYYY-MM, not {raw!r}")
    return parsed


def backtest_run(task: str, data: Path, test_from: str | None, test_to: str | None) -> BacktestResult:
    """Run ``task``'s backtest on ``data`` for the optional ``YYYY-MM`` bounds; raises :class:`DataError`."""
    start = _period(test_from, "--test-from")
    end = _period(test_to, "--test-to")
    if not data.is_dir():
        raise DataError(f"no data directory at {data}")
    if task == "conflict":
        from chancery_analytics.forecast.conflict_backtest import conflict_backtest

        return conflict_backtest(
            data,
            test_from=month_index(*start) if start else None,
            test_to=month_index(*end) if end else None,
        )
    if task == "crises":
        from chancery_analytics.forecast.crises_backtest import crises_backtest

        return crises_backtest(data, test_from=start[0] if start else None, test_to=end[0] if end else None)
    if task == "trade":
        from chancery_analytics.forecast.trade_backtest import trade_backtest

        return trade_backtest(data, test_from=start[0] if start else None, test_to=end[0] if end else None)
    raise DataError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) >= 10 else f"{value:.4f}"
    return str(value)


def _table(title: str, rows: list[ScoreRow]) -> Table:
    keys = [k for k in METRIC_ORDER if any(k in row.metrics for row in rows)]
    table = Table(title=title)
    table.add_column("forecaster")
    table.add_column("baseline")
    for key in keys:
        table.add_column(key, justify="right")
    for row in rows:
        table.add_row(row.name, "yes" if row.baseline else "no", *(_cell(row.metrics.get(key)) for key in keys))
    return table


def _print(result: BacktestResult) -> None:
    out = Console(highlight=False, width=max(Console().width, 132))
    out.print(
        f"[bold]{result.task}[/]: trained to {result.train_to}, tested {result.test_from} .. {result.test_to} "
        "(rolling origin, refitted at every origin)"
    )
    out.print(_table(f"{result.task}: model beside the baselines", result.rows))
    for name, rows in result.subsets.items():
        out.print(_table(f"{result.task}: {name}", rows))
    for group in [result.rows, *result.subsets.values()]:
        for row in group:
            for target, bins in row.calibration.items():
                cal = Table(title=f"calibration: {row.name}, {target}")
                for column in ("bin", "n", "mean forecast", "observed"):
                    cal.add_column(column, justify="right")
                for b in bins:
                    cal.add_row(
                        f"{b['low']:.1f}-{b['high']:.1f}", str(b["n"]), f"{b['forecast']:.3f}", f"{b['observed']:.3f}"
                    )
                out.print(cal)
    verdict = result.model_beats_baselines()
    lost = [metric for metric, ok in verdict.items() if not ok]
    if lost:
        out.print(f"[yellow]The model does NOT beat every baseline on: {', '.join(lost)}.[/]")
    else:
        out.print("The model beats or matches every baseline on every metric.")
    for note in result.notes:
        out.print(f"note: {note}")


def cmd_backtest(args: argparse.Namespace) -> int:
    """Print the model-beside-baselines table (or one JSON object with ``--json``); 2 on bad data or arguments."""
    data = default_data_dir(args.data)
    if data is None:
        console.print("[red]No data directory:[/] pass --data DIR (laid out like ../shared/data).")
        return 2
    try:
        result = backtest_run(args.task, data, args.test_from, args.test_to)
    except (DataError, ValueError) as error:
        console.print(f"[red]Cannot run the {args.task} backtest:[/] {error}")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        _print(result)
    return 0


def cmd_scenario(args: argparse.Namespace) -> int:
    """Print a trade scenario's forecast with its interval and any "outside what the data supports" warning."""
    from chancery_analytics.forecast.scenario import scenario_run

    data = default_data_dir(args.data)
    if data is None:
        console.print("[red]No data directory:[/] pass --data DIR (laid out like ../shared/data).")
        return 2
    try:
        result = scenario_run(
            data,
            partner=args.partner,
            currency_change_pct=args.currency,
            commodity=args.commodity,
            commodity_change_pct=args.commodity_change,
            agreement=args.agreement,
        )
    except (DataError, ValueError) as error:
        console.print(f"[red]Cannot run the scenario:[/] {error}")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        out = Console(highlight=False)
        for line in result.lines():
            out.print(line)
    return 1 if result.warnings else 0


def cmd_gravity(args: argparse.Namespace) -> int:
    """Estimate the RTA effect by PPML gravity on ``yotov-gravity-rta``; print it, and write it with ``--write``."""
    from chancery_analytics.forecast.gravity import PARAMS, gravity_fit, gravity_write

    data = default_data_dir(args.data)
    if data is None:
        console.print("[red]No data directory:[/] pass --data DIR (laid out like ../shared/data).")
        return 2
    try:
        fit = gravity_fit(data)
    except (DataError, ValueError) as error:
        console.print(f"[red]Cannot estimate the trade-agreement effect:[/] {error}")
        return 2
    if args.write:
        gravity_write(fit, Path(args.write) if args.write != "-" else PARAMS)
    sys.stdout.write(json.dumps(fit.to_json(), ensure_ascii=False, indent=2) + "\n")
    return 0


def register(sub: Any) -> None:
    """Add ``forecast backtest`` and ``forecast scenario`` to the ``chancery`` command's sub-parsers."""
    forecast = sub.add_parser("forecast", help="risk forecasting: backtests against baselines, trade scenarios")
    forecast_sub = forecast.add_subparsers(dest="forecast_command", required=True)
    backtest = forecast_sub.add_parser("backtest", help="rolling-origin backtest: the model beside its baselines")
    backtest.add_argument("task", choices=TASKS)
    backtest.add_argument("--data", help="data directory laid out like ../shared/data (default: that, if present)")
    backtest.add_argument("--test-from", help="first test month, YYYY-MM (default: inside the development period)")
    backtest.add_argument("--test-to", help="last test month, YYYY-MM")
    backtest.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    backtest.set_defaults(handler=cmd_backtest)

    scenario = forecast_sub.add_parser("scenario", help="what happens to exports to a partner under a shock")
    scenario.add_argument("partner", help="partner name as in IMF DOTS (e.g. 'Japan', 'Korea, Rep. of')")
    scenario.add_argument(
        "--currency", type=float, default=0.0, help="partner currency change vs US$ in %% (negative = falls)"
    )
    scenario.add_argument("--commodity", default="PCOFFROB", help="IMF commodity series code (default PCOFFROB)")
    scenario.add_argument("--commodity-change", type=float, default=0.0, help="commodity price change in %%")
    scenario.add_argument(
        "--agreement",
        help="agreement short name (e.g. CPTPP), or rta_entry / rta_full for a new agreement of the average kind",
    )
    scenario.add_argument("--data", help="data directory laid out like ../shared/data")
    scenario.add_argument("--json", action="store_true", help="print one JSON object")
    scenario.set_defaults(handler=cmd_scenario)

    gravity = forecast_sub.add_parser("gravity", help="estimate the trade-agreement effect (PPML gravity)")
    gravity.add_argument("--data", help="data directory holding yotov-gravity-rta (default: ../shared/data)")
    gravity.add_argument(
        "--write", nargs="?", const="-", help="write the parameters (default: the committed params/rta_gravity.json)"
    )
    gravity.set_defaults(handler=cmd_gravity)
