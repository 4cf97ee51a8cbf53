"""Time to produce every draft of the app's models from the bundled extracts, and the RTA gravity estimate.

Usage: .venv/bin/python bench/risk_bench.py [--repeat N] [--gravity DATA_DIR]
Pure: no database. Prints, per model, the median and minimum wall time over N runs (fit + predict +
explain) and how many drafts it produced; with ``--gravity`` also the PPML gravity fit on DATA_DIR
(``yotov-gravity-rta``, once).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from chancery.risk.engine import DEMO_DATA, RunOutput, conflict_run, crisis_run, trade_run
from chancery_analytics.forecast.gravity import gravity_fit


def _time(label: str, run: Callable[[], RunOutput], repeat: int) -> None:
    times: list[float] = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        output = run()
        times.append(time.perf_counter() - start)
        count = len(output.forecasts)
    print(f"{label}: drafts={count} runs={repeat} median={statistics.median(times):.2f}s min={min(times):.2f}s")


def main() -> None:
    """Time the conflict, crisis and trade runs on the bundled extracts (and the gravity fit) and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gravity", help="data directory holding yotov-gravity-rta")
    args = parser.parse_args()
    _time("conflict", lambda: conflict_run(DEMO_DATA), args.repeat)
    _time("crisis", lambda: crisis_run(DEMO_DATA), args.repeat)
    _time("trade", lambda: trade_run(DEMO_DATA), args.repeat)
    if args.gravity:
        start = time.perf_counter()
        fit = gravity_fit(Path(args.gravity))
        elapsed = time.perf_counter() - start
        print(f"gravity: observations={fit.observations} iterations={fit.iterations} {elapsed:.2f}s")


if __name__ == "__main__":
    main()
