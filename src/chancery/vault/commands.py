"""``chancery keys …`` and ``chancery vault …``: key rotation and the vault's housekeeping from the shell.

Every command runs as the system actor (its audit events name the command) and imports Django lazily.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

console = Console(stderr=True, highlight=False)


def _system(purpose: str) -> Any:
    from chancery.cli import setup_django

    setup_django()
    from chancery.platform.actor import Actor

    return Actor.system(purpose=purpose)


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Create a new key-encryption key, rewrap every data key under it, retire keys nothing uses."""
    actor = _system("keys rotate")
    from chancery.vault.maintenance import keys_rotate

    with console.status("Rewrapping data keys…"):
        report = keys_rotate(actor=actor, retire=not args.keep_old)
    out = Console(highlight=False)
    out.print(f"New key-encryption key [bold]{report.new_kek_id}[/]; {report.rewrapped} data key(s) rewrapped.")
    out.print("Retired: " + (", ".join(report.retired) if report.retired else "none"))
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    """List the key-encryption keys with their state and how many data keys each wraps."""
    _system("keys list")
    from django.db.models import Count

    from chancery.vault.models import DocumentVersion
    from chancery.vault.sealing import keyring

    counts = dict(
        DocumentVersion.objects.filter(wrapped_key__isnull=False)
        .values_list("kek_id")
        .annotate(n=Count("pk"))
        .values_list("kek_id", "n")
    )
    out = Console(highlight=False)
    for kek in keyring().keys:
        state = "active" if kek.active else ("retired" if kek.key is None else "inactive")
        out.print(f"{kek.id}  {state:8s}  created {kek.created_at:%Y-%m-%d}  wraps {counts.get(kek.id, 0)}")
    return 0


def cmd_keys_retire(args: argparse.Namespace) -> int:
    """Retire every inactive key that no data key uses."""
    actor = _system("keys retire")
    from chancery.vault.maintenance import keys_retire_unused

    retired = keys_retire_unused(actor=actor)
    Console(highlight=False).print("Retired: " + (", ".join(retired) if retired else "none"))
    return 0


def cmd_vault_sweep(args: argparse.Namespace) -> int:
    """Remove orphaned blobs and unfinished writes; exit 1 if a live version's blob is missing."""
    actor = _system("vault sweep")
    from chancery.vault.maintenance import orphans_sweep

    report = orphans_sweep(actor=actor, grace_seconds=args.grace)
    out = Console(highlight=False)
    out.print(f"Removed {report.orphan_blobs} orphaned blob(s) and {report.temporary_files} unfinished write(s).")
    if report.missing_blobs:
        out.print(f"[red]Versions whose blob is missing:[/] {', '.join(map(str, report.missing_blobs))}")
        return 1
    return 0


def cmd_vault_dispose(args: argparse.Namespace) -> int:
    """Dispose of (crypto-shred) every document past its disposal date and not under legal hold."""
    actor = _system("vault dispose")
    from chancery.vault.retention import disposal_run

    disposed = disposal_run(actor=actor)
    Console(highlight=False).print(f"Disposed of {len(disposed)} document(s): {', '.join(map(str, disposed)) or '-'}")
    return 0


def cmd_vault_reindex(args: argparse.Namespace) -> int:
    """Rebuild the search index from the documents (after SECRET_KEY changed)."""
    actor = _system("vault reindex")
    from chancery.vault.maintenance import search_reindex

    with console.status("Re-indexing…"):
        count = search_reindex(actor=actor)
    Console(highlight=False).print(f"Re-indexed {count} document(s).")
    return 0


def register(sub: Any) -> None:
    """Add the ``keys`` and ``vault`` sub-commands to the ``chancery`` parser's sub-parsers."""
    keys = sub.add_parser("keys", help="the vault's key-encryption keys: rotate, list, retire")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_sub.add_parser("rotate", help="new key-encryption key; rewrap every data key; retire unused keys")
    rotate.add_argument("--keep-old", action="store_true", help="do not retire the old keys yet")
    rotate.set_defaults(handler=cmd_keys_rotate)
    keys_sub.add_parser("list", help="list keys and how many data keys each wraps").set_defaults(handler=cmd_keys_list)
    keys_sub.add_parser("retire", help="retire inactive keys nothing uses").set_defaults(handler=cmd_keys_retire)

    vault = sub.add_parser("vault", help="the document vault: sweep orphans, dispose of due documents, re-index")
    vault_sub = vault.add_subparsers(dest="vault_command", required=True)
    sweep = vault_sub.add_parser("sweep", help="remove blobs without a row and unfinished writes")
    sweep.add_argument("--grace", type=int, default=None, help="minimum age in seconds (default: the setting)")
    sweep.set_defaults(handler=cmd_vault_sweep)
    dispose = vault_sub.add_parser("dispose", help="crypto-shred documents past their disposal date")
    dispose.set_defaults(handler=cmd_vault_dispose)
    reindex = vault_sub.add_parser("reindex", help="rebuild the search index (after SECRET_KEY changed)")
    reindex.set_defaults(handler=cmd_vault_reindex)
