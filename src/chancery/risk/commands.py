"""``chancery forecast run``: fit the models, store drafts for review, log the run (system actor)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True, highlight=False)


def cmd_forecast_run(args: argparse.Namespace) -> int:
    """Fit on ``--data`` (default: the bundled extracts) and store drafts; 2 with a clear message on bad data.

    ``--kind`` picks one model (conflict, crisis, trade) or ``sentiment`` (every initiative's reading);
    ``all`` (the default) runs the three models and then the readings.
    """
    from chancery.cli import setup_django

    setup_django()
    from chancery.platform.actor import Actor
    from chancery.platform.errors import InvalidInput
    from chancery.risk.services import forecast_run, forecast_run_all, sentiment_draft_all

    actor = Actor.system(purpose="chancery forecast run")
    data = Path(args.data) if args.data else None
    out = Console(highlight=False)
    try:
        if args.kind == "all":
            runs = forecast_run_all(actor=actor, data=data)
        elif args.kind == "sentiment":
            runs = []
        else:
            runs = [forecast_run(actor=actor, data=data, kind=args.kind)]
    except InvalidInput as error:
        console.print(f"[red]Cannot run the forecasts:[/] {error.detail}")
        return 2
    for run in runs:
        out.print(
            f"{run.model_name} v{run.model_version}: {run.n_assessments} draft assessment(s), data to "
            f"{run.data_cutoff} ({run.data_source}); they await an analyst's review."
        )
    if args.kind in ("all", "sentiment"):
        readings = sentiment_draft_all(actor=actor)
        out.print(f"initiative sentiment: {len(readings)} draft reading(s); they await an analyst's review.")
    return 0


def register(sub: Any) -> None:
    """Add ``run`` beside ``forecast backtest`` and ``forecast scenario`` (call after the forecast CLI)."""
    forecast: argparse.ArgumentParser = sub.choices["forecast"]
    actions = [a for a in forecast._actions if isinstance(a, argparse._SubParsersAction)]
    run = actions[0].add_parser("run", help="fit the models and store forecasts as drafts for review")
    run.add_argument("--data", help="data directory laid out like ../shared/data (default: bundled extracts)")
    run.add_argument(
        "--kind",
        choices=("all", "conflict", "crisis", "trade", "sentiment"),
        default="all",
        help="which model to run (default: all, then every initiative's sentiment reading)",
    )
    run.set_defaults(handler=cmd_forecast_run)
