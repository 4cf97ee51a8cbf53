"""The ``chancery`` command: demo, serve, worker, check, admin, manage.

Every sub-command configures Django from ``CHANCERY_*`` settings before it imports any model, so the
same code paths serve the laptop demo and a ministry's cluster.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

console = Console(stderr=True, highlight=False)

SETTINGS_MODULE = "chancery.config.settings"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _var_dir() -> Path:
    raw = os.environ.get("CHANCERY_VAR_DIR", "")
    return (Path(raw) if raw else Path.cwd() / "var").resolve()


def ensure_local_secret_key(var_dir: Path) -> Path:
    """Create ``var/secret-key`` (0600, 64 random bytes, URL-safe) unless it exists; return its path."""
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file = var_dir / "secret-key"
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, seed idempotently, print the demo logins, and serve with a worker alongside."""
    var_dir = _var_dir()
    if args.reset and var_dir.exists():
        shutil.rmtree(var_dir)
        console.print(f"[yellow]Removed {var_dir.name}/[/]")
    ensure_local_secret_key(var_dir)
    os.environ.setdefault("CHANCERY_SECURE_COOKIES", "0")  # plain HTTP on the loopback interface
    os.environ.setdefault("CHANCERY_VAR_DIR", str(var_dir))
    _setup_django()
    from django.core.management import call_command

    from chancery.demo.seed import demo_seed, print_credentials

    with console.status("Applying database migrations…"):
        call_command("migrate", interactive=False, verbosity=0)
    credentials = demo_seed(var_dir=var_dir, console=console)
    print_credentials(credentials, console=Console(highlight=False))
    if args.no_serve:
        return 0
    return _serve_with_worker(host=args.host, port=args.port)


def _serve_with_worker(*, host: str, port: int) -> int:
    worker = subprocess.Popen([sys.executable, "-m", "chancery", "worker"], env=os.environ.copy())  # noqa: S603
    console.print(f"[green]Chancery is serving on http://{host}:{port}/[/] (Ctrl+C to stop)")
    try:
        import uvicorn

        uvicorn.run("chancery.config.asgi:application", host=host, port=port, log_level="warning", lifespan="off")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0


def serve_refusals() -> list[str]:
    """Return why production settings are unsafe to serve with (empty when they are safe)."""
    from django.conf import settings

    from chancery.config.settings import INSECURE_SECRET_KEY

    problems = []
    if settings.DEBUG:
        problems.append("CHANCERY_DEBUG is on: switch it off in production.")
    if settings.SECRET_KEY in {"", INSECURE_SECRET_KEY} or len(settings.SECRET_KEY) < 50:
        problems.append("CHANCERY_SECRET_KEY is missing, default or shorter than 50 characters.")
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append("Cookies are not marked Secure: unset CHANCERY_SECURE_COOKIES=0.")
    return problems


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with production settings from the environment; refuse unsafe settings."""
    _setup_django()
    problems = serve_refusals()
    if problems:
        for problem in problems:
            console.print(f"[red]Refusing to start:[/] {problem}")
        return 2
    import uvicorn

    uvicorn.run(
        "chancery.config.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("CHANCERY_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        lifespan="off",
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background task worker (django-tasks-db) until interrupted."""
    _setup_django()
    from django.core.management import call_command

    call_command("db_worker", interval=args.interval)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the deployment checklist with pass/fail per item; exit 1 if any item fails."""
    _setup_django()
    from rich.table import Table

    from chancery.platform.deployment import deployment_checklist

    table = Table(title="Chancery deployment checklist")
    table.add_column("Check")
    table.add_column("Result")
    table.add_column("Detail")
    failed = 0
    for item in deployment_checklist():
        failed += 0 if item.passed else 1
        table.add_row(item.name, "[green]PASS[/]" if item.passed else "[red]FAIL[/]", item.detail)
    Console(highlight=False).print(table)
    return 1 if failed else 0


def cmd_admin_create(args: argparse.Namespace) -> int:
    """Create the first administrator with a TOTP authenticator and recovery codes."""
    _setup_django()
    from chancery.identity.bootstrap import administrator_bootstrap

    password = Path(args.password_file).read_text(encoding="utf-8").strip() if args.password_file else None
    result = administrator_bootstrap(username=args.username, email=args.email, password=password)
    out = Console(highlight=False)
    out.print(f"Administrator [bold]{result.username}[/] created.")
    if result.generated_password:
        out.print(f"Password: {result.generated_password}")
    out.print(f"TOTP secret (add it to an authenticator app): {result.totp_secret}")
    out.print(f"TOTP URI: {result.totp_uri}")
    out.print("Recovery codes (store them offline): " + " ".join(result.recovery_codes))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    """Run a Django management command (``chancery manage migrate``, ``makemigrations`` …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chancery manage", *args.rest])
    return 0


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
        out.print(f"[green]✓[/] {report.size} entries and {report.checkpoints} checkpoints verified; "
                  "every record matches its leaf.")
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
        text = record_proof_bundle(actor=Actor.system(purpose="tlog-prove"), record_type=record_type,
                                   record_id=record_id)
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
    out.print(f"[green]✓[/] {checked.record.get('type')}:{checked.record.get('id')} is entry #{checked.index} "
              f"of the {checked.size}-entry log {checked.origin}, signed by {', '.join(checked.signed_by)}")
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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="chancery", description="Chancery: a secure platform for foreign affairs.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, seed demo data, print logins and serve on 127.0.0.1:8000")
    demo.add_argument("--reset", action="store_true", help="wipe var/ (database, keys, files) first")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="seed and print the logins, then exit")
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser("serve", help="serve with production settings from CHANCERY_* variables")
    serve.add_argument("--host", default=os.environ.get("CHANCERY_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("CHANCERY_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("CHANCERY_WORKERS", "2")))
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls of the queue")
    worker.set_defaults(handler=cmd_worker)

    check = sub.add_parser("check", help="deployment checklist with pass/fail per item")
    check.set_defaults(handler=cmd_check)

    admin = sub.add_parser("admin", help="administration")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create", help="create the first administrator with MFA")
    create.add_argument("--username", required=True)
    create.add_argument("--email", default="")
    create.add_argument("--password-file", help="read the password from this file (else one is generated)")
    create.set_defaults(handler=cmd_admin_create)

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

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command; return its exit status."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    return int(handler(args))
