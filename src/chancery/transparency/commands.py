"""``chancery tlog …`` and ``chancery witness serve``: the transparency log from the command line.

Nothing here imports Django at module level: ``tlog check-proof`` and ``witness serve`` run on a
partner's machine with no database and no settings.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console(stderr=True, highlight=False)


def _setup_django() -> None:
    from chancery.cli import setup_django

    setup_django()


def cmd_tlog_verify(args: argparse.Namespace) -> int:
    """Re-derive every leaf, check roots, signatures and consistency; exit 1 naming every finding."""
    _setup_django()
    from chancery.transparency.verify import log_verify

    earlier = Path(args.since).read_text(encoding="utf-8") if args.since else None
    with console.status("Verifying the transparency log…"):
        report = log_verify(earlier_checkpoint=earlier)
    out = Console(highlight=False)
    for finding in report.findings:
        out.print(f"[red]✗[/] {finding}")
    if report.ok:
        out.print(
            f"[green]✓[/] {report.size} entries and {report.checkpoints} checkpoints verified; "
            "every record matches its leaf."
        )
        return 0
    out.print(f"[red]{len(report.findings)} problem(s) found in a log of {report.size} entries.[/]")
    return 1


def cmd_tlog_publish(args: argparse.Namespace) -> int:
    """Sign a checkpoint now if the log grew since the last one."""
    _setup_django()
    from chancery.transparency.services import checkpoint_publish

    signed = checkpoint_publish()
    Console(highlight=False).print(
        "No new entries since the last checkpoint." if signed is None else f"Signed checkpoint at size {signed.size}.",
    )
    return 0


def cmd_tlog_prove(args: argparse.Namespace) -> int:
    """Write an offline proof bundle (C2SP tlog-proof) for RECORD (``<type>:<id>``)."""
    _setup_django()
    from chancery.platform.actor import Actor
    from chancery.platform.errors import DomainError
    from chancery.transparency.bundles import record_proof_bundle
    from chancery.transparency.services import checkpoint_publish

    record_type, sep, record_id = args.record.rpartition(":")
    if not sep or not record_type or not record_id:
        console.print("[red]RECORD must look like <type>:<id>, e.g. audit.event:42[/]")
        return 2
    checkpoint_publish()
    try:
        text = record_proof_bundle(
            actor=Actor.system(purpose="tlog-prove"), record_type=record_type, record_id=record_id
        )
    except DomainError as error:
        console.print(f"[red]{error.detail}[/]")
        return 1
    output = Path(args.output or f"{record_type}-{record_id}.tlog-proof")
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {output}")
    return 0


def cmd_tlog_check_proof(args: argparse.Namespace) -> int:
    """Verify a proof bundle offline against the log's verifier keys (no database needed)."""
    from chancery.transparency.offline import ProofCheckError, proof_bundle_check

    vkeys = list(args.vkey or [])
    if args.vkey_file:
        vkeys += Path(args.vkey_file).read_text(encoding="utf-8").splitlines()
    try:
        checked = proof_bundle_check(bundle_text=Path(args.file).read_text(encoding="utf-8"), vkeys=vkeys)
    except (ProofCheckError, OSError, UnicodeDecodeError) as error:
        Console(highlight=False).print(f"[red]✗ proof does not verify:[/] {error}")
        return 1
    out = Console(highlight=False)
    out.print(
        f"[green]✓[/] {checked.record.get('type')}:{checked.record.get('id')} is entry #{checked.index} "
        f"of the {checked.size}-entry log {checked.origin}, signed by {', '.join(checked.signed_by)}"
    )
    out.print_json(data=checked.record)
    return 0


def cmd_witness_serve(args: argparse.Namespace) -> int:
    """Run a tlog witness for a partner ministry: its own key and state under --dir (no database)."""
    from chancery_tlog.witness_server import serve

    vkeys = list(args.log_vkey or [])
    if args.log_vkey_file:
        vkeys += [line for line in Path(args.log_vkey_file).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not vkeys:
        console.print("[red]Give the log's verifier keys with --log-vkey or --log-vkey-file.[/]")
        return 2
    try:
        serve(directory=Path(args.dir), name=args.name, log_vkeys=vkeys, host=args.host, port=args.port)
    except KeyboardInterrupt:
        return 0
    return 0


def register(sub: Any) -> None:
    """Add the ``tlog`` and ``witness`` sub-commands to the ``chancery`` parser's sub-parsers."""
    tlog = sub.add_parser("tlog", help="the transparency log: verify, publish")
    tlog_sub = tlog.add_subparsers(dest="tlog_command", required=True)
    verify = tlog_sub.add_parser("verify", help="re-derive every leaf and check the log; non-zero on any problem")
    verify.add_argument("--since", metavar="CHECKPOINT_FILE", help="an earlier signed checkpoint the log must extend")
    verify.set_defaults(handler=cmd_tlog_verify)
    publish = tlog_sub.add_parser("publish", help="sign a checkpoint now")
    publish.set_defaults(handler=cmd_tlog_publish)
    prove = tlog_sub.add_parser("prove", help="write an offline proof bundle for RECORD (<type>:<id>)")
    prove.add_argument("record")
    prove.add_argument("-o", "--output", help="file to write (default <type>-<id>.tlog-proof)")
    prove.set_defaults(handler=cmd_tlog_prove)
    check_proof = tlog_sub.add_parser("check-proof", help="verify a proof bundle offline")
    check_proof.add_argument("file")
    check_proof.add_argument("--vkey", action="append", help="a verifier key (repeat for Ed25519 and ML-DSA)")
    check_proof.add_argument("--vkey-file", help="a file of verifier keys, one per line (as /tlog/vkey serves)")
    check_proof.set_defaults(handler=cmd_tlog_check_proof)

    witness = sub.add_parser("witness", help="run a transparency-log witness (for partner ministries)")
    witness_sub = witness.add_subparsers(dest="witness_command", required=True)
    witness_serve = witness_sub.add_parser("serve", help="serve C2SP tlog-witness add-checkpoint over HTTP")
    witness_serve.add_argument("--dir", required=True, help="directory for the witness key and state")
    witness_serve.add_argument("--name", required=True, help="the witness's key name, e.g. witness.mofa.go.jp")
    witness_serve.add_argument("--log-vkey", action="append", help="a verifier key of a log to witness")
    witness_serve.add_argument("--log-vkey-file", help="a file of log verifier keys (as /tlog/vkey serves)")
    witness_serve.add_argument("--host", default="127.0.0.1")
    witness_serve.add_argument("--port", type=int, default=8090)
    witness_serve.set_defaults(handler=cmd_witness_serve)
