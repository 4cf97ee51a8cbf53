"""``python -m chancery_analytics.training <task>|all [--data DIR] [--out DIR]``: fit and write the artefacts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chancery_analytics.nlp.linear import MODELS_DIR
from chancery_analytics.training.common import data_dir
from chancery_analytics.training.tasks import TASKS, task_train


def main(argv: list[str] | None = None) -> int:
    """Train the named task (or every task) and write ``<task>.npz``/``<task>.json``; return 0."""
    parser = argparse.ArgumentParser(prog="python -m chancery_analytics.training")
    parser.add_argument("task", choices=[*TASKS, "all"])
    parser.add_argument("--data", help="development data directory (default: $CHANCERY_SHARED_DATA or ../shared/data)")
    parser.add_argument("--out", default=str(MODELS_DIR), help="where to write the artefacts")
    args = parser.parse_args(argv)
    names = list(TASKS) if args.task == "all" else [args.task]
    for name in names:
        model = task_train(TASKS[name], data_dir(args.data))
        arrays, _ = model.save(Path(args.out))
        sys.stdout.write(f"{name}: {len(model.rows)} weighted buckets, {arrays.stat().st_size / 1024:.0f} KiB\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
