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

from chancery.awareness import commands as awareness_commands
from chancery.intelligence import commands as intelligence_commands
from chancery.resilience import commands as resilience_commands
from chancery.risk import commands as risk_commands
from chancery.transparency import commands as transparency_commands
from chancery.vault import commands as vault_commands
from chancery_analytics import cli as analytics_cli
from chancery_analytics.forecast import cli as forecast_cli

console = Console(stderr=True, highlight=False)

SETTINGS_MODULE = "chancery.config.settings"


def setup_django() -> None:
    """Configure Django from ``CHANCERY_*`` settings (call before importing any model)."""
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
    os.environ.setdefault("CHANCERY_INTEL_FETCH_ALLOWLIST", "127.0.0.1")  # the demo's local RSS fixture
    policy_file = var_dir / "demo-witness-policy.txt"
    if args.witness_port:
        os.environ.setdefault("CHANCERY_TLOG_WITNESS_POLICY", str(policy_file))
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from chancery.demo.seed import demo_seed, print_credentials

    with console.status("Applying database migrations…"):
        call_command("migrate", interactive=False, verbosity=0)
    credentials = demo_seed(var_dir=var_dir, console=console)
    print_credentials(credentials, console=Console(highlight=False))
    _demo_backup_key(var_dir)
    if args.no_serve:
        return 0
    helpers: list[subprocess.Popen[bytes]] = []
    try:
        if args.witness_port:
            helpers.append(_start_demo_witness(var_dir=var_dir, port=args.witness_port, policy_file=policy_file))
        feed_server = [sys.executable, "-m", "chancery.intelligence.demo_feed_server"]
        helpers.append(  # the demo's RSS fixture, polled by the worker through the safe fetcher
            subprocess.Popen([*feed_server, "--port", str(settings.DEMO_FEED_PORT)], stdout=subprocess.DEVNULL)  # noqa: S603
        )
        helpers.append(
            subprocess.Popen(  # noqa: S603 (our own module) - the demo's fake Mastodon and Bluesky servers
                [
                    sys.executable,
                    "-m",
                    "chancery.outreach.fake_servers",
                    "--mastodon-port",
                    str(settings.DEMO_MASTODON_PORT),
                    "--bluesky-port",
                    str(settings.DEMO_BLUESKY_PORT),
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        helpers.append(subprocess.Popen([sys.executable, "-m", "chancery", "worker"], env=os.environ.copy()))
        console.print(f"[green]Chancery is serving on http://{args.host}:{args.port}/[/] (Ctrl+C to stop)")
        import uvicorn

        uvicorn.run(
            "chancery.config.asgi:application", host=args.host, port=args.port, log_level="warning", lifespan="off"
        )
    finally:
        for helper in helpers:
            _stop(helper)
    return 0


def _demo_backup_key(var_dir: Path) -> None:
    """Give the demo a backup key pair at first run (a real deployment keeps the private half offline)."""
    from django.conf import settings

    from chancery.resilience.backup_keys import backup_keys_generate

    public = Path(settings.BACKUP_PUBLIC_KEY_FILE)
    if public.exists():
        return
    private = var_dir / "backup-offline" / "backup-private.json"
    backup_keys_generate(private_path=private, public_path=public)
    console.print(f"Backup key created; the demo keeps its private half in {private} (offline in production).")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _start_demo_witness(*, var_dir: Path, port: int, policy_file: Path) -> subprocess.Popen[bytes]:
    """Start a witness standing in for a partner ministry and write the log's witness policy for it."""
    import time

    import httpx

    from chancery.transparency.keys import log_vkeys

    vkeys = log_vkeys()
    arguments = [
        sys.executable,
        "-m",
        "chancery",
        "witness",
        "serve",
        "--dir",
        str(var_dir / "demo-witness"),
        "--name",
        "witness.partner.example",
        "--port",
        str(port),
    ]
    for vkey in vkeys:
        arguments += ["--log-vkey", vkey]
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            witness_vkey = httpx.get(url + "/vkey", timeout=1).text.strip()
        except httpx.HTTPError:
            time.sleep(0.2)
            continue
        policy = "".join(f"log {v}\n" for v in vkeys) + f"witness partner {witness_vkey} {url}\nquorum partner\n"
        policy_file.write_text(policy, encoding="utf-8")
        console.print(f"A demo witness (a partner ministry's) cosigns checkpoints at {url}")
        return process
    _stop(process)
    msg = f"the demo witness did not start on port {port}"
    raise RuntimeError(msg)


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
    setup_django()
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
    """Run the background task worker (django-tasks-db) until interrupted, with the periodic-job scheduler."""
    setup_django()
    import threading

    from django.core.management import call_command

    from chancery.platform.schedule.runner import scheduler_start

    stop = threading.Event()
    if not args.no_schedule:
        scheduler_start(interval=args.schedule_interval, stop=stop)
    try:
        call_command("db_worker", interval=args.interval)
    finally:
        stop.set()
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """List the periodic jobs with their last and next runs, or (``tick``) enqueue the due ones once."""
    setup_django()
    from chancery.platform.actor import Actor
    from chancery.platform.schedule.selectors import schedule_list
    from chancery.platform.schedule.services import schedule_tick

    actor = Actor.system(purpose="schedule-command")
    if args.action == "tick":
        for name in schedule_tick(actor=actor):
            console.print(f"enqueued {name}")
        return 0
    for row in schedule_list(actor=actor):
        last = row.last_enqueued_at.isoformat(timespec="seconds") if row.last_enqueued_at else "never"
        due = row.next_due_at.isoformat(timespec="seconds") if row.next_due_at else "now"
        console.print(f"{row.name}  every {row.every}  last {last}  next {due}  ({row.task})", soft_wrap=True)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Print the deployment checklist with pass/warn/fail per item; exit 1 if any item fails (warnings pass)."""
    setup_django()
    from rich.table import Table

    from chancery.platform.deployment import deployment_checklist

    table = Table(title="Chancery deployment checklist")
    table.add_column("Check")
    table.add_column("Result")
    table.add_column("Detail")
    failed = 0
    for item in deployment_checklist():
        failed += 0 if item.passed else 1
        result = ("[yellow]WARN[/]" if item.warning else "[green]PASS[/]") if item.passed else "[red]FAIL[/]"
        table.add_row(item.name, result, item.detail)
    Console(highlight=False).print(table)
    return 1 if failed else 0


def cmd_admin_create(args: argparse.Namespace) -> int:
    """Create the first administrator with a TOTP authenticator and recovery codes."""
    setup_django()
    from chancery.identity.bootstrap import administrator_bootstrap
    from chancery.platform.errors import DomainError

    try:
        password = Path(args.password_file).read_text(encoding="utf-8").strip() if args.password_file else None
        result = administrator_bootstrap(username=args.username, email=args.email, password=password)
    except (DomainError, OSError) as error:
        console.print(f"[red]No administrator created:[/] {getattr(error, 'detail', error)}")
        return 1
    out = Console(highlight=False)
    out.print(f"Administrator [bold]{result.username}[/] created.")
    if result.generated_password:
        out.print(f"Password: {result.generated_password}")
    out.print(f"TOTP secret (add it to an authenticator app): {result.totp_secret}")
    out.print(f"TOTP URI: {result.totp_uri}")
    out.print("Recovery codes (store them offline): " + " ".join(result.recovery_codes))
    return 0


def cmd_admin_reset_password(args: argparse.Namespace) -> int:
    """Give a user a one-time password (kept second factors; change forced at next sign-in)."""
    setup_django()
    from chancery.identity.selectors import user_id_for_username
    from chancery.identity.services import user_password_reset
    from chancery.platform.actor import Actor
    from chancery.platform.errors import DomainError

    actor = Actor.system(purpose="cli-password-reset")
    try:
        issued = user_password_reset(actor=actor, user_id=user_id_for_username(actor=actor, username=args.username))
    except DomainError as error:
        console.print(f"[red]No password reset:[/] {error.detail or type(error).__name__}")
        return 1
    out = Console(highlight=False)
    out.print(f"One-time password for [bold]{issued.username}[/] (hand it over in person): {issued.password}")
    out.print(f"It expires at {issued.expires_at.isoformat()} and must be changed at the next sign-in.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    """Run a Django management command (``chancery manage migrate``, ``makemigrations`` …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chancery manage", *args.rest])
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
    demo.add_argument(
        "--witness-port", type=int, default=8090, help="port of the demo's partner witness (0: run without a witness)"
    )
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser("serve", help="serve with production settings from CHANCERY_* variables")
    serve.add_argument("--host", default=os.environ.get("CHANCERY_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("CHANCERY_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("CHANCERY_WORKERS", "2")))
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls of the queue")
    worker.add_argument("--no-schedule", action="store_true", help="do not enqueue the periodic jobs")
    worker.add_argument(
        "--schedule-interval", type=float, default=30.0, help="seconds between checks for due periodic jobs"
    )
    worker.set_defaults(handler=cmd_worker)

    schedule = sub.add_parser("schedule", help="list the periodic jobs, or enqueue the due ones once (tick)")
    schedule.add_argument("action", nargs="?", choices=["list", "tick"], default="list")
    schedule.set_defaults(handler=cmd_schedule)

    check = sub.add_parser("check", help="deployment checklist with pass/fail per item")
    check.set_defaults(handler=cmd_check)

    admin = sub.add_parser("admin", help="administration")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create", help="create the first administrator with MFA")
    create.add_argument("--username", required=True)
    create.add_argument("--email", default="")
    create.add_argument("--password-file", help="read the password from this file (else one is generated)")
    create.set_defaults(handler=cmd_admin_create)
    reset = admin_sub.add_parser("reset-password", help="give a user a one-time password (MFA is kept)")
    reset.add_argument("--username", required=True)
    reset.set_defaults(handler=cmd_admin_reset_password)

    transparency_commands.register(sub)
    vault_commands.register(sub)
    resilience_commands.register(sub)
    analytics_cli.register(sub)
    forecast_cli.register(sub)
    risk_commands.register(sub)
    intelligence_commands.register(sub)
    awareness_commands.register(sub)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command; return its exit status."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    return int(handler(args))
