"""The deployment checklist behind ``chancery check``: one pass/fail line per production requirement.

Each check is a small function returning a :class:`CheckItem`; :func:`deployment_checklist` runs them in
order and never raises (a check that cannot run fails with the reason). Checks that need the database
are reported as failed, not skipped, when it is unreachable.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5
MIN_HSTS_SECONDS = 180 * 24 * 60 * 60
MFA_ROLES = ("administrator", "security_officer")

ACCEPTED_DJANGO_WARNINGS: dict[str, str] = {
    "security.W021": "HSTS preloading is a ministry-wide decision that is hard to undo",
}
"""Django deployment warnings the checklist accepts, with the reason shown in the report."""


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of the checklist: what was checked, whether it passed, and why."""

    name: str
    passed: bool
    detail: str
    warning: bool = False
    """A passing item that is acceptable but weaker than recommended (``chancery check`` shows WARN)."""


def check_secret_key() -> CheckItem:
    """The secret key is set, not the built-in placeholder, long and varied enough."""
    from chancery.config.settings import INSECURE_SECRET_KEY

    key = str(settings.SECRET_KEY or "")
    if not key or key == INSECURE_SECRET_KEY:
        return CheckItem("Secret key", passed=False, detail="CHANCERY_SECRET_KEY (or var/secret-key) is not set.")
    if key.startswith("django-insecure-"):
        return CheckItem("Secret key", passed=False, detail="The secret key is Django's insecure development key.")
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        return CheckItem(
            "Secret key",
            passed=False,
            detail=f"Use at least {MIN_SECRET_KEY_LENGTH} random characters (it has {len(key)}).",
        )
    return CheckItem("Secret key", passed=True, detail=f"{len(key)} characters.")


def check_debug() -> CheckItem:
    """DEBUG is off."""
    if settings.DEBUG:
        return CheckItem("Debug mode off", passed=False, detail="CHANCERY_DEBUG is on: it leaks internals.")
    return CheckItem("Debug mode off", passed=True, detail="DEBUG is off.")


def check_secure_cookies() -> CheckItem:
    """Session and CSRF cookies are Secure, and the session cookie is HttpOnly."""
    missing = [
        name
        for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")
        if not getattr(settings, name, False)
    ]
    if missing:
        return CheckItem("Secure cookies", passed=False, detail="Off: " + ", ".join(missing) + ".")
    return CheckItem("Secure cookies", passed=True, detail="Session and CSRF cookies are Secure; session is HttpOnly.")


def check_hsts() -> CheckItem:
    """HTTP Strict Transport Security is on for at least 180 days."""
    seconds = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    if seconds < MIN_HSTS_SECONDS:
        return CheckItem(
            "HSTS",
            passed=False,
            detail=f"SECURE_HSTS_SECONDS is {seconds}; set CHANCERY_HSTS_SECONDS to at least {MIN_HSTS_SECONDS}.",
        )
    return CheckItem("HSTS", passed=True, detail=f"max-age={seconds}.")


def check_allowed_hosts() -> CheckItem:
    """ALLOWED_HOSTS names the served hosts (no wildcard, not empty)."""
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        return CheckItem("Allowed hosts", passed=False, detail="CHANCERY_ALLOWED_HOSTS is empty.")
    if "*" in hosts:
        return CheckItem("Allowed hosts", passed=False, detail="CHANCERY_ALLOWED_HOSTS contains the wildcard '*'.")
    return CheckItem("Allowed hosts", passed=True, detail=", ".join(hosts))


def check_database() -> CheckItem:
    """The database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return CheckItem("Database reachable", passed=False, detail=f"{type(error).__name__}: {error}")
    return CheckItem("Database reachable", passed=True, detail=f"{connection.vendor} answers.")


def check_migrations() -> CheckItem:
    """Every migration has been applied."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return CheckItem("Migrations applied", passed=False, detail=f"Pending: {pending}{more}. Run migrate.")
    return CheckItem("Migrations applied", passed=True, detail="No pending migrations.")


def sqlite_journal_mode() -> str:
    """Return SQLite's journal mode for the default connection (lower case, e.g. ``"wal"``)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        row = cursor.fetchone()
    return str(row[0]).lower() if row else ""


def check_sqlite_wal() -> CheckItem:
    """On SQLite, the database runs in write-ahead-log mode (readers never block the writer)."""
    if connection.vendor != "sqlite":
        return CheckItem("SQLite WAL mode", passed=True, detail=f"Not applicable ({connection.vendor}).")
    mode = sqlite_journal_mode()
    if mode != "wal":
        return CheckItem("SQLite WAL mode", passed=False, detail=f"journal_mode is {mode or 'unknown'}, not wal.")
    return CheckItem("SQLite WAL mode", passed=True, detail="journal_mode=wal.")


def check_django_deploy() -> CheckItem:
    """Django's own deployment checks report no error and no unaccepted warning."""
    from django.core.checks import WARNING, run_checks

    messages = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.level >= WARNING and not message.is_silenced()
    ]
    accepted = [message.id for message in messages if message.id in ACCEPTED_DJANGO_WARNINGS]
    failing = sorted({str(message.id) for message in messages if message.id not in ACCEPTED_DJANGO_WARNINGS})
    note = ("; accepted: " + ", ".join(sorted({str(item) for item in accepted}))) if accepted else ""
    if failing:
        return CheckItem("Django deployment checks", passed=False, detail=", ".join(failing) + note)
    return CheckItem("Django deployment checks", passed=True, detail="No errors or warnings" + note + ".")


def check_privileged_mfa() -> CheckItem:
    """Every active administrator, security officer and superuser has a second factor."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    user_model = get_user_model()
    has_mfa = Exists(
        Authenticator.objects.filter(user=OuterRef("pk")).exclude(type=Authenticator.Type.RECOVERY_CODES),
    )
    privileged = user_model.objects.filter(Q(role__in=MFA_ROLES) | Q(is_superuser=True), is_active=True)
    without = sorted(privileged.exclude(has_mfa).values_list("username", flat=True))
    if without:
        return CheckItem("MFA for privileged accounts", passed=False, detail="Without MFA: " + ", ".join(without))
    return CheckItem("MFA for privileged accounts", passed=True, detail=f"{privileged.count()} accounts, all with MFA.")


def check_var_permissions() -> CheckItem:
    """``var/`` (database, keys, files) is not readable, writable or searchable by other users."""
    var_dir = Path(settings.VAR_DIR)
    if not var_dir.exists():
        return CheckItem("var/ permissions", passed=True, detail="No var/ directory (external database and storage).")
    mode = stat.S_IMODE(var_dir.stat().st_mode)
    if mode & stat.S_IRWXO:
        return CheckItem(
            "var/ permissions",
            passed=False,
            detail=f"{var_dir.name}/ is mode {mode:04o}: other users can reach it; chmod 0700.",
        )
    return CheckItem("var/ permissions", passed=True, detail=f"{var_dir.name}/ is mode {mode:04o}.")


def check_backups() -> CheckItem:
    """Scheduled backups are on and encrypted to a backup public key whose private half is not here."""
    name = "Backups"
    public = Path(settings.BACKUP_PUBLIC_KEY_FILE)
    try:
        fingerprint = json.loads(public.read_text(encoding="utf-8")).get("fingerprint", "")
    except (OSError, ValueError, AttributeError):
        return CheckItem(name, passed=False, detail=f"No backup public key at {public}: run `chancery backup keygen`.")
    if settings.BACKUP_INTERVAL_HOURS <= 0:
        return CheckItem(name, passed=False, detail="Scheduled backups are off (CHANCERY_BACKUP_INTERVAL_HOURS=0).")
    stray = sorted(str(p) for p in public.parent.glob("*private*.json"))
    if stray:
        return CheckItem(name, passed=False, detail=f"Move the backup private key offline: {', '.join(stray)}.")
    return CheckItem(
        name,
        passed=True,
        detail=f"Every {settings.BACKUP_INTERVAL_HOURS} h to {settings.BACKUP_DIR}, key {str(fingerprint)[:16]}…",
    )


def check_vault_blob_store() -> CheckItem:
    """The vault's blob store is usable: local needs nothing more; S3 needs a bucket that answers."""
    name = "Vault blob store"
    if settings.VAULT_BLOB_STORE != "s3":
        return CheckItem(name, passed=True, detail="Local filesystem (CHANCERY_VAULT_BLOB_DIR).")
    problems = []
    if not settings.VAULT_S3_BUCKET:
        problems.append("CHANCERY_VAULT_S3_BUCKET is not set")
    if bool(settings.VAULT_S3_ACCESS_KEY_ID) != bool(settings.VAULT_S3_SECRET_ACCESS_KEY):
        problems.append("set both CHANCERY_VAULT_S3_ACCESS_KEY_ID and CHANCERY_VAULT_S3_SECRET_ACCESS_KEY, or neither")
    if settings.VAULT_S3_CA_BUNDLE and not Path(settings.VAULT_S3_CA_BUNDLE).is_file():
        problems.append("CHANCERY_VAULT_S3_CA_BUNDLE names no file")
    if problems:
        return CheckItem(name, passed=False, detail="S3 selected but " + "; ".join(problems) + ".")
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    client = boto3.client(
        "s3",
        endpoint_url=settings.VAULT_S3_ENDPOINT_URL or None,
        region_name=settings.VAULT_S3_REGION or None,
        aws_access_key_id=settings.VAULT_S3_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.VAULT_S3_SECRET_ACCESS_KEY or None,
        verify=settings.VAULT_S3_CA_BUNDLE or None,
        config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1}),
    )
    try:
        client.head_bucket(Bucket=settings.VAULT_S3_BUCKET)
    except Exception as error:  # noqa: BLE001 - reported, never raised
        return CheckItem(name, passed=False, detail=f"S3 bucket {settings.VAULT_S3_BUCKET!r}: {type(error).__name__}.")
    return CheckItem(name, passed=True, detail=f"S3 bucket {settings.VAULT_S3_BUCKET!r} answers.")


def check_malware_scanner() -> CheckItem:
    """Uploads are scanned by clamd (or the scanner is off, said plainly); a configured clamd answers."""
    from chancery.platform.antivirus import scanner_check

    passed, detail = scanner_check()
    return CheckItem("Malware scanning", passed=passed, detail=detail)


_registered: dict[str, tuple[str, Callable[[], CheckItem], bool]] = {}


def register_check(name: str, check: Callable[[], CheckItem], *, needs_database: bool = False) -> None:
    """Add a domain's check to the checklist (from its ``deployment_checks`` module, discovered at run)."""
    _registered[name] = (name, check, needs_database)


CHECKS: tuple[tuple[str, Callable[[], CheckItem], bool], ...] = (
    ("Secret key", check_secret_key, False),
    ("Debug mode off", check_debug, False),
    ("Secure cookies", check_secure_cookies, False),
    ("HSTS", check_hsts, False),
    ("Allowed hosts", check_allowed_hosts, False),
    ("Database reachable", check_database, False),
    ("Migrations applied", check_migrations, True),
    ("SQLite WAL mode", check_sqlite_wal, True),
    ("MFA for privileged accounts", check_privileged_mfa, True),
    ("Django deployment checks", check_django_deploy, False),
    ("var/ permissions", check_var_permissions, False),
    ("Vault blob store", check_vault_blob_store, False),
    ("Backups", check_backups, False),
    ("Malware scanning", check_malware_scanner, False),
)
"""Every check, in report order: its name, its function, and whether it needs the database."""


def deployment_checklist() -> list[CheckItem]:
    """Run every deployment check and return the results in a stable order.

    Needs configured Django settings; reads the database (never writes). Emits nothing. A check that
    raises is reported as failed with the error's type; database checks fail unrun when the database
    is unreachable.
    """
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("deployment_checks")
    items: list[CheckItem] = []
    database_up = False
    for name, check, needs_database in (*CHECKS, *(_registered[key] for key in sorted(_registered))):
        if needs_database and not database_up:
            items.append(CheckItem(name, passed=False, detail="Not checked: the database is unreachable."))
            continue
        try:
            item = check()
        except Exception as error:  # noqa: BLE001 - a failing check is reported, never a traceback
            item = CheckItem(name, passed=False, detail=f"Could not check: {type(error).__name__}.")
        if check is check_database:
            database_up = item.passed
        items.append(item)
    return items
