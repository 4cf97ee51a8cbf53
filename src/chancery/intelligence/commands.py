"""``chancery intel ingest PATH|URL`` and ``chancery intel enrich``: storing and re-enriching from the shell.

They join the pure ``chancery intel annotate|eval`` commands (``chancery_analytics.cli``) under ``chancery intel``;
each runs as the system actor (its audit events name the command), shows a progress bar and imports Django lazily.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True, highlight=False)


def _system(purpose: str) -> Any:
    from chancery.cli import setup_django

    setup_django()
    from chancery.platform.actor import Actor

    return Actor.system(purpose=purpose)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read PATH or URL with the matching connector (URLs through the safe fetcher), enrich and store it.

    Exits 0 when nothing was skipped, 1 when some records were skipped (each is listed; a feed that cannot be
    fetched is one), 2 when the spec names no readable file or format.
    """
    actor = _system("intel ingest")
    from chancery.intelligence.services import fetcher_build, items_ingest
    from chancery_analytics.ingest.dispatch import connector_for
    from chancery_analytics.ingest.fetch import FetchError

    try:
        connector = connector_for(args.source, fetcher=fetcher_build())
        with _progress() as progress:
            task = progress.add_task("Ingesting", total=None)
            result = items_ingest(
                actor=actor, items=connector.read(), on_progress=lambda n: progress.update(task, completed=n)
            )
    except (OSError, ValueError, FetchError) as error:
        console.print(f"[red]Cannot read {args.source}:[/] {getattr(error, 'reason', None) or error}")
        return 2
    for skipped in result.skipped:
        console.print(f"[yellow]Skipped {skipped.position}:[/] {skipped.reason}")
    summary = result.summary
    Console(highlight=False).print(
        f"{summary['stored']} item(s) stored, {summary['duplicates']} already stored, {summary['skipped']} skipped."
    )
    return 1 if result.skipped else 0


def cmd_enrich(args: argparse.Namespace) -> int:
    """Re-enrich every stored item with the current models."""
    actor = _system("intel enrich")
    from chancery.intelligence.models import Item
    from chancery.intelligence.services import items_enrich

    with _progress() as progress:
        task = progress.add_task("Re-enriching", total=Item.objects.count())
        done = items_enrich(actor=actor, on_progress=lambda n: progress.update(task, completed=n))
    Console(highlight=False).print(f"{done} item(s) re-enriched.")
    return 0


def _intel_subparsers(sub: Any) -> Any:
    intel = sub.choices.get("intel") if hasattr(sub, "choices") else None
    if intel is None:
        intel = sub.add_parser("intel", help="intelligence: ingest, enrich, annotate, evaluate")
        intel.add_subparsers(dest="intel_command", required=True)
    for action in intel._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return intel.add_subparsers(dest="intel_command", required=True)


def register(sub: Any) -> None:
    """Add ``intel ingest`` and ``intel enrich`` to the ``chancery intel`` sub-commands."""
    intel_sub = _intel_subparsers(sub)
    ingest = intel_sub.add_parser("ingest", help="read a file or feed URL, enrich and store its items")
    ingest.add_argument("source", help="a file (RSS/Atom, JSONL, CSV, GDELT, social export …) or an http(s) feed URL")
    ingest.set_defaults(handler=cmd_ingest)
    enrich = intel_sub.add_parser("enrich", help="re-enrich every stored item with the current models")
    enrich.set_defaults(handler=cmd_enrich)
