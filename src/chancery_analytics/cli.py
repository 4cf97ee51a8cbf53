"""``chancery intel eval`` and ``chancery intel annotate``: enrichment from the command line (no Django)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from chancery_analytics.jsonl import Rejected, records_read

console = Console(stderr=True, highlight=False)


def cmd_annotate(args: argparse.Namespace) -> int:
    """Annotate IN.jsonl (``-`` for stdin) into OUT (default stdout); report skipped lines on stderr.

    Exits 0 when every record was annotated, 1 when some were skipped, 2 when the input cannot be opened or a
    plugged ONNX model cannot be used.
    """
    from chancery_analytics.engine import PipelineConfig, annotate_records
    from chancery_analytics.nlp.entities import Entity, entities_read
    from chancery_analytics.nlp.onnx_model import OnnxModelError, onnx_sentiment_check

    extra: tuple[Entity, ...] = ()
    if args.entities:
        try:
            with Path(args.entities).open(encoding="utf-8") as handle:
                entities, errors = entities_read(handle)
        except OSError as error:
            console.print(f"[red]Cannot read {args.entities}:[/] {error.strerror}")
            return 2
        for number, reason in errors:
            console.print(f"[yellow]Entities line {number} skipped:[/] {reason}")
        extra = tuple(entities)
    try:
        config = replace(PipelineConfig.default(), extra_entities=extra)
        if config.onnx_sentiment is not None:
            onnx_sentiment_check(config.onnx_sentiment)  # before the output file is opened (and truncated)
    except OnnxModelError as error:
        return _onnx_refused(error)
    try:
        source: TextIO = (
            sys.stdin if args.input == "-" else Path(args.input).open(encoding="utf-8", errors="replace")  # noqa: SIM115
        )
    except OSError as error:
        console.print(f"[red]Cannot read {args.input}:[/] {error.strerror}")
        return 2
    target: TextIO = Path(args.output).open("w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    written = skipped = 0
    try:
        results = annotate_records(records_read(source), engine=args.engine, workers=args.workers, config=config)
        for result in results:
            if isinstance(result, Rejected):
                skipped += 1
                where = f"line {result.line}" if result.line else f"id {result.id!r}"
                console.print(f"[yellow]Skipped {where}:[/] {result.reason}")
                continue
            target.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
            written += 1
    except OnnxModelError as error:  # a worker may still fail to load the graph
        return _onnx_refused(error)
    finally:
        if source is not sys.stdin:
            source.close()
        if target is not sys.stdout:
            target.close()
    console.print(f"{written} record(s) annotated, {skipped} skipped.")
    return 1 if skipped else 0


def _onnx_refused(error: ValueError) -> int:
    console.print(f"[red]Cannot use the plugged ONNX sentiment model:[/] {error}", soft_wrap=True)
    return 2


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return str(value)


def cmd_eval(args: argparse.Namespace) -> int:
    """Print each task's metrics on the development data (reads ../shared/data or ``--data``)."""
    from chancery_analytics.evaluation import tasks_evaluate
    from chancery_analytics.training.common import data_dir

    data = data_dir(args.data)
    if not data.is_dir():
        console.print(f"[red]No development data at {data}[/] (set --data or CHANCERY_SHARED_DATA).")
        return 2
    with console.status("Evaluating the enrichment models on the development data…"):
        results = tasks_evaluate(data, only=args.task or None) if args.task or not args.onnx_sentiment else {}
        if args.onnx_sentiment:
            from chancery_analytics.evaluation import onnx_sentiment_evaluate
            from chancery_analytics.nlp.onnx_model import OnnxModelError

            try:
                results["sentiment_en_onnx"] = onnx_sentiment_evaluate(data, Path(args.onnx_sentiment))
            except OnnxModelError as error:
                return _onnx_refused(error)
    out = Console(highlight=False)
    for task, metrics in results.items():
        table = Table(title=task, show_header=False)
        for key, value in metrics.items():
            shown = ", ".join(f"{k} {v:.4f}" for k, v in value.items()) if isinstance(value, dict) else value
            table.add_row(key, _format(shown))
        out.print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def register(sub: Any) -> None:
    """Add ``intel eval`` and ``intel annotate`` to the ``chancery`` command's sub-parsers."""
    intel = sub.add_parser("intel", help="intelligence enrichment: evaluate the models, annotate records")
    intel_sub = intel.add_subparsers(dest="intel_command", required=True)

    annotate = intel_sub.add_parser("annotate", help="enrich a JSONL file of {id, text[, lang]} records")
    annotate.add_argument("input", help="input JSONL file, or - for standard input")
    annotate.add_argument("-o", "--output", help="output JSONL file (default: standard output)")
    annotate.add_argument(
        "--engine", choices=["process", "ray"], default="process", help="local process pool (default) or Ray"
    )
    annotate.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    annotate.add_argument("--entities", help="JSONL file of extra people/organisations (see docs/models/entities.md)")
    annotate.set_defaults(handler=cmd_annotate)

    evaluate = intel_sub.add_parser("eval", help="print every task's metrics on the development data")
    evaluate.add_argument(
        "--data", help="development data directory (default: $CHANCERY_SHARED_DATA or ../shared/data)"
    )
    evaluate.add_argument("--task", action="append", help="only this task (repeatable)")
    evaluate.add_argument("--json", help="also write the metrics to this JSON file")
    evaluate.add_argument(
        "--onnx-sentiment",
        metavar="DIR",
        help="score this local ONNX sentiment model (docs/models/onnx.md) on the English tweets, untrained "
        "(only it, unless --task names others too)",
    )
    evaluate.set_defaults(handler=cmd_eval)
