"""``chancery backup keygen|create|verify|restore|prune``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from chancery.platform.errors import DomainError


def _keygen(args: argparse.Namespace, out: Console) -> int:
    from django.conf import settings

    from chancery.resilience.backup_keys import backup_keys_generate

    public_path = Path(args.public or settings.BACKUP_PUBLIC_KEY_FILE)
    private_path = Path(args.private or public_path.with_name("backup-private.json"))
    try:
        public = backup_keys_generate(private_path=private_path, public_path=public_path)
    except FileExistsError as exc:
        out.print(f"[red]{exc}[/]: a backup key is never overwritten")
        return 1
    out.print(f"Backup key {public.fingerprint}\n  public:  {public_path}\n  private: {private_path}")
    out.print("[bold]Move the private file offline[/] (it is needed only to verify and restore).")
    return 0


def _create(args: argparse.Namespace, out: Console) -> int:
    from chancery.platform.actor import Actor
    from chancery.resilience.services import backup_create

    result = backup_create(
        actor=Actor.system(purpose="backup-command"),
        directory=Path(args.dir) if args.dir else None,
        public_key_file=Path(args.public_key) if args.public_key else None,
    )
    out.print(
        f"{result.path} ({result.size:,} bytes; {result.vendor} database, {result.blobs} blobs, "
        f"{result.key_files} key files)"
    )
    return 0


def _verify(args: argparse.Namespace, out: Console) -> int:
    from chancery.resilience.services import backup_verify

    report = backup_verify(path=Path(args.archive), private_key_file=Path(args.key))
    out.print(
        f"OK: {report.members} members ({report.blobs} blobs, {report.bytes:,} bytes), "
        f"{report.vendor} database, taken {report.created_at}"
    )
    return 0


def _restore(args: argparse.Namespace, out: Console) -> int:
    from django.core.management import call_command

    from chancery.resilience.services import backup_restore

    report = backup_restore(path=Path(args.archive), private_key_file=Path(args.key), force=args.force)
    call_command("migrate", interactive=False, verbosity=0)
    out.print(
        f"Restored the backup taken {report.created_at}: {report.vendor} database, {report.blobs} blobs, "
        f"{report.key_files} key files. Run `chancery tlog verify` to check the log."
    )
    return 0


def _prune(args: argparse.Namespace, out: Console) -> int:
    from chancery.platform.actor import Actor
    from chancery.resilience.services import backups_prune

    for path in backups_prune(actor=Actor.system(purpose="backup-command"), keep=args.keep):
        out.print(f"deleted {path}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Run one backup subcommand; a domain error prints its reason and exits 1."""
    from chancery.cli import setup_django

    setup_django()
    out = Console(stderr=True, highlight=False)
    handlers: dict[str, Any] = {
        "keygen": _keygen,
        "create": _create,
        "verify": _verify,
        "restore": _restore,
        "prune": _prune,
    }
    try:
        return int(handlers[args.backup_action](args, out))
    except DomainError as exc:
        out.print(f"[red]{exc.detail}[/]")
        return 1


def register(sub: Any) -> None:
    """Add ``chancery backup ...`` to the command line."""
    backup = sub.add_parser("backup", help="encrypted backups: keygen, create, verify, restore, prune")
    actions = backup.add_subparsers(dest="backup_action", required=True)
    keygen = actions.add_parser("keygen", help="create the offline backup key pair (X25519 + ML-KEM-768)")
    keygen.add_argument("--public", help="public key file (default CHANCERY_BACKUP_PUBLIC_KEY_FILE)")
    keygen.add_argument("--private", help="private key file (default beside the public one)")
    create = actions.add_parser("create", help="write one encrypted archive of the whole instance")
    create.add_argument("--dir", help="where to write it (default CHANCERY_BACKUP_DIR)")
    create.add_argument("--public-key", help="the backup public key file (default from settings)")
    verify = actions.add_parser("verify", help="decrypt an archive and check its manifest, restoring nothing")
    verify.add_argument("archive")
    verify.add_argument("--key", required=True, help="the offline private key file")
    restore = actions.add_parser("restore", help="rebuild this (empty) instance from an archive")
    restore.add_argument("archive")
    restore.add_argument("--key", required=True, help="the offline private key file")
    restore.add_argument("--force", action="store_true", help="restore into a non-empty instance")
    prune = actions.add_parser("prune", help="delete all but the newest archives")
    prune.add_argument("--keep", type=int, default=None, help="how many to keep (default CHANCERY_BACKUP_KEEP)")
    backup.set_defaults(handler=cmd_backup)
