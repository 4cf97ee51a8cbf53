"""Time to produce every country's conflict forecast from the bundled extracts (fit + predict + explain).

Usage: .venv/bin/python bench/risk_bench.py [--repeat N]
Pure: no database. Prints the median wall time over N runs and the number of countries forecast.
"""

from __future__ import annotations

import argparse
import statistics
import time

from chancery.risk.engine import DEMO_DATA, conflict_run


def main() -> None:
    """Run :func:`conflict_run` on the bundled extracts ``--repeat`` times and print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: list[float] = []
    count = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        output = conflict_run(DEMO_DATA)
        times.append(time.perf_counter() - start)
        count = len(output.forecasts)
    print(f"countries={count} runs={args.repeat} median={statistics.median(times):.2f}s min={min(times):.2f}s")


if __name__ == "__main__":
    main()
