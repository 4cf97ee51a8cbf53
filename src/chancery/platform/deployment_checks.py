"""Transport checks of ``chancery check``: TLS with verified certificates on every network connection.

ASVS V12.3.1, V12.3.3 and V12.3.4 ask that every connection to and from Chancery use TLS, never falling
back to plain text, with trusted (or pinned internal) certificates. These checks read the configuration
and the stored endpoints: PostgreSQL, Redis, the SMTP relay, S3, Jitsi, witnesses, webhook endpoints,
partner TAXII servers and outreach platforms must use TLS; news feeds on plain http:// are a warning;
``CHANCERY_CA_BUNDLE`` must be a readable PEM bundle. A loopback host or a Unix socket needs no TLS (the
traffic never leaves the machine). V13.2.2: the application's PostgreSQL role should not be able to
create or alter schema objects (a warning). Rows of other domains are read by app label through Django's
app registry, because the shared kernel imports no domain. Registered with
:func:`chancery.platform.deployment.register_check` when the checklist discovers this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import connection

from chancery.platform.deployment import CheckItem, register_check
from chancery.platform.tls import bundle_problem, ca_bundle, host_is_loopback


def _local(host: str | None) -> bool:
    """True for no host, a Unix socket path or a loopback host: nothing crosses the network."""
    return not host or host.startswith("/") or host_is_loopback(host)


def plain_urls(urls: Iterable[str], *, secure: str = "https") -> list[str]:
    """Return the ``scheme://host`` (never a path or credentials) of each URL not using ``secure`` off this host.

    Needs nothing; emits nothing. A malformed URL is reported as ``(malformed URL)``.
    """
    found = []
    for url in urls:
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname or ""
        except ValueError:
            found.append("(malformed URL)")
            continue
        if parts.scheme.lower() != secure and not _local(host):
            found.append(f"{parts.scheme or '?'}://{host}")
    return sorted(set(found))


def _rows(label: str, model: str, field: str, **filters: Any) -> list[str]:
    """The values of ``field`` of another domain's rows (by app label; [] when the app is not installed)."""
    from django.apps import apps

    try:
        model_class = apps.get_model(label, model)
    except LookupError:
        return []
    return [str(value) for value in model_class._default_manager.filter(**filters).values_list(field, flat=True)]


def check_ca_bundle() -> CheckItem:
    """``CHANCERY_CA_BUNDLE``, when set, is a readable PEM bundle (the internal CAs outbound clients trust)."""
    name = "Internal CA bundle"
    problem = bundle_problem()
    if problem:
        return CheckItem(name, passed=False, detail=problem + ".")
    if not ca_bundle():
        return CheckItem(name, passed=True, detail="Not set: outbound TLS trusts the system's roots only.")
    return CheckItem(name, passed=True, detail=f"System roots plus {ca_bundle()}.")


def _postgres_root_cert(options: dict[str, Any]) -> str:
    explicit = str(options.get("sslrootcert") or os.environ.get("PGSSLROOTCERT") or "")
    if explicit:
        return explicit
    default = Path.home() / ".postgresql" / "root.crt"
    return str(default) if default.is_file() else ""


def check_database_tls() -> CheckItem:
    """PostgreSQL over the network uses ``sslmode=verify-full`` (``require``/``verify-ca`` + root cert: a warning)."""
    name = "Database TLS"
    if connection.vendor == "sqlite":
        return CheckItem(name, passed=True, detail="Not applicable (SQLite file, no network).")
    if connection.vendor != "postgresql":
        return CheckItem(name, passed=False, detail=f"Cannot check {connection.vendor}; use PostgreSQL.")
    settings_dict = connection.settings_dict
    host = str(settings_dict.get("HOST") or os.environ.get("PGHOST") or "")
    if _local(host):
        return CheckItem(name, passed=True, detail=f"Local connection ({host or 'Unix socket'}): no network.")
    options = dict(settings_dict.get("OPTIONS") or {})
    mode = str(options.get("sslmode") or os.environ.get("PGSSLMODE") or "prefer")
    root = _postgres_root_cert(options)
    if mode == "verify-full":
        return CheckItem(name, passed=True, detail=f"sslmode=verify-full to {host}, root {root or 'system'}.")
    if mode == "verify-ca" or (mode == "require" and root):
        return CheckItem(
            name,
            passed=True,
            warning=True,
            detail=f"sslmode={mode}: the CA is verified but not the host name {host}; prefer verify-full.",
        )
    return CheckItem(
        name,
        passed=False,
        detail=f"sslmode={mode} to {host} may fall back to plain text or trust any certificate; add "
        "?sslmode=verify-full&sslrootcert=<CA file> to CHANCERY_DATABASE_URL.",
    )


DDL_PRIVILEGES_SQL = """
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb,
       has_database_privilege(current_database(), 'CREATE'),
       current_schema(),
       COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false),
       EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = current_schema() AND pg_has_role(n.nspowner, 'USAGE')),
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND pg_has_role(c.relowner, 'USAGE'))
FROM pg_roles r WHERE r.rolname = current_user
"""
"""What the connected PostgreSQL role may do beyond reading and writing rows (ASVS V13.2.2)."""


def database_ddl_privileges() -> list[str]:
    """Return what the connected PostgreSQL role can do to the schema (``[]`` for a least-privilege role).

    Needs a PostgreSQL connection; reads the catalogues only; emits nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute(DDL_PRIVILEGES_SQL)
        row = cursor.fetchone()
    if row is None:
        return ["is not found in pg_roles"]
    superuser, create_role, create_db, create_in_db, schema, create_in_schema, owns_schema, owned = row
    if superuser:
        return ["is a superuser"]
    found = []
    if create_role:
        found.append("has CREATEROLE")
    if create_db:
        found.append("has CREATEDB")
    if create_in_db:
        found.append("may CREATE schemas in the database")
    if create_in_schema:
        found.append(f"may CREATE in schema {schema}")
    if owns_schema:
        found.append(f"owns schema {schema}")
    if owned:
        found.append(f"owns {owned} tables, views or sequences (may ALTER/DROP them)")
    return found


def check_database_privileges() -> CheckItem:
    """Warn when the application's PostgreSQL role can create or alter schema objects (it should only use rows)."""
    name = "Database least privilege"
    if connection.vendor != "postgresql":
        return CheckItem(name, passed=True, detail=f"Not applicable ({connection.vendor}).")
    found = database_ddl_privileges()
    if found:
        return CheckItem(
            name,
            passed=True,
            warning=True,
            detail="The application's role " + "; ".join(found) + ". Migrate as an owner role and serve with a "
            "role limited to SELECT/INSERT/UPDATE/DELETE (docs/deployment.md).",
        )
    return CheckItem(name, passed=True, detail="The application's role cannot create or alter schema objects.")


def check_redis_tls() -> CheckItem:
    """Redis off this host is reached over ``rediss://`` with certificate verification on."""
    name = "Redis TLS"
    url = str(getattr(settings, "REDIS_URL", "") or "")
    if not url:
        return CheckItem(name, passed=True, detail="Not applicable (no CHANCERY_REDIS_URL).")
    parts = urlsplit(url)
    host = parts.hostname or ""
    scheme = parts.scheme.lower()
    if scheme == "unix" or (scheme == "redis" and _local(host)):
        return CheckItem(name, passed=True, detail="Local Redis: no network.")
    if scheme != "rediss":
        return CheckItem(name, passed=False, detail=f"{scheme}://{host} is plain text; use rediss://.")
    cert_reqs = {value.lower() for value in parse_qs(parts.query).get("ssl_cert_reqs", [])}
    if cert_reqs & {"none", "optional"}:
        return CheckItem(name, passed=False, detail="ssl_cert_reqs turns certificate verification off; remove it.")
    return CheckItem(name, passed=True, detail=f"rediss://{host}, certificates verified.")


def check_smtp_tls() -> CheckItem:
    """An SMTP relay off this host is reached with STARTTLS or implicit TLS."""
    name = "Mail relay TLS"
    mailer = dict(getattr(settings, "MAILERS", {}) or {}).get("default") or {}
    backend = str(mailer.get("BACKEND", ""))
    if "smtp" not in backend.lower():
        return CheckItem(name, passed=True, detail=f"Not applicable ({backend.rsplit('.', 1)[-1] or 'no mailer'}).")
    options = dict(mailer.get("OPTIONS") or {})
    host = str(options.get("host") or "localhost")
    if options.get("use_tls") or options.get("use_ssl"):
        kind = "implicit TLS" if options.get("use_ssl") else "STARTTLS"
        return CheckItem(name, passed=True, detail=f"{kind} to {host}, certificate verified.")
    if _local(host):
        return CheckItem(name, passed=True, detail=f"Local relay ({host}): no network.")
    return CheckItem(name, passed=False, detail=f"Mail to {host} is plain text; turn on use_tls (STARTTLS).")


def check_s3_tls() -> CheckItem:
    """The S3 blob store's endpoint is https (the AWS default when no endpoint is given)."""
    name = "S3 endpoint TLS"
    if settings.VAULT_BLOB_STORE != "s3":
        return CheckItem(name, passed=True, detail="Not applicable (local blob store).")
    endpoint = str(settings.VAULT_S3_ENDPOINT_URL or "")
    if not endpoint:
        return CheckItem(name, passed=True, detail="AWS S3 (https).")
    plain = plain_urls([endpoint])
    if plain:
        return CheckItem(name, passed=False, detail=f"CHANCERY_VAULT_S3_ENDPOINT_URL is {plain[0]}; use https://.")
    return CheckItem(name, passed=True, detail="https endpoint, certificate verified.")


def check_jitsi_tls() -> CheckItem:
    """The Jitsi server meetings link to is https."""
    name = "Jitsi TLS"
    url = str(getattr(settings, "JITSI_URL", "") or "")
    if not url:
        return CheckItem(name, passed=True, detail="Not applicable (no CHANCERY_JITSI_URL).")
    plain = plain_urls([url])
    if plain:
        return CheckItem(name, passed=False, detail=f"CHANCERY_JITSI_URL is {plain[0]}; use https://.")
    return CheckItem(name, passed=True, detail="https.")


def check_witness_tls() -> CheckItem:
    """Every witness URL of the tlog-policy file is https."""
    from chancery_tlog.policy import parse_policy

    name = "Witness TLS"
    path = str(getattr(settings, "TLOG_WITNESS_POLICY", "") or "")
    if not path:
        return CheckItem(name, passed=True, detail="Not applicable (no CHANCERY_TLOG_WITNESS_POLICY).")
    try:
        policy = parse_policy(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        return CheckItem(name, passed=False, detail=f"Cannot read the witness policy: {type(error).__name__}.")
    urls = [witness.url for witness in policy.witnesses.values() if witness.url]
    plain = plain_urls(urls)
    if plain:
        return CheckItem(name, passed=False, detail="Plain-text witnesses: " + ", ".join(plain) + ".")
    return CheckItem(name, passed=True, detail=f"{len(urls)} witness URLs, all https.")


def check_partner_tls() -> CheckItem:
    """Active webhook endpoints, partner TAXII feeds and outreach platforms are https (they carry secrets)."""
    name = "Partner connections TLS"
    urls = {
        "webhook endpoints": _rows("webhooks", "WebhookSubscription", "url", is_active=True),
        "partner TAXII feeds": _rows("threatintel", "PartnerFeed", "collection_url", is_active=True),
        "outreach accounts": _rows("outreach", "Account", "base_url", is_active=True),
    }
    problems = [f"{kind}: {', '.join(plain_urls(found))}" for kind, found in urls.items() if plain_urls(found)]
    if problems:
        return CheckItem(name, passed=False, detail="Plain HTTP: " + "; ".join(problems) + ".")
    return CheckItem(name, passed=True, detail=f"{sum(len(v) for v in urls.values())} endpoints, all https.")


def check_feed_tls() -> CheckItem:
    """Warn about enabled news and data feeds read over plain http:// (their content can be altered in transit)."""
    name = "Feed sources TLS"
    urls = [url for url in _rows("intelligence", "Source", "url", enabled=True) if "://" in url]
    plain = plain_urls(urls)
    if plain:
        more = "…" if len(plain) > 5 else ""
        return CheckItem(
            name,
            passed=True,
            warning=True,
            detail=f"{len(plain)} feed hosts over plain HTTP: " + ", ".join(plain[:5]) + more,
        )
    return CheckItem(name, passed=True, detail=f"{len(urls)} feed URLs, all https.")


def check_security_services_tls() -> CheckItem:
    """Vault Transit and the audit collector use TLS; clamd (a plain-text protocol) stays on this host."""
    name = "Security services TLS"
    problems, warnings = [], []
    transit = str(getattr(settings, "VAULT_TRANSIT_URL", "") or "")
    if transit and plain_urls([transit]):
        problems.append(f"CHANCERY_VAULT_TRANSIT_URL is {plain_urls([transit])[0]}")
    ship = str(getattr(settings, "AUDIT_SHIP_URL", "") or "")
    if ship and urlsplit(ship).scheme.lower() not in {"https", "syslog+tls"} and plain_urls([ship]):
        problems.append(f"CHANCERY_AUDIT_SHIP_URL is {plain_urls([ship])[0]} (use https:// or syslog+tls://)")
    clamd = str(getattr(settings, "CLAMD_URL", "") or "")
    if clamd and urlsplit(clamd).scheme.lower() == "tcp" and not _local(urlsplit(clamd).hostname):
        warnings.append(f"clamd at {urlsplit(clamd).hostname} receives uploads in clear text: run it on this host")
    if problems:
        return CheckItem(name, passed=False, detail="; ".join(problems + warnings) + ".")
    if warnings:
        return CheckItem(name, passed=True, warning=True, detail="; ".join(warnings) + ".")
    configured = [
        label for label, value in (("Vault Transit", transit), ("audit shipping", ship), ("clamd", clamd)) if value
    ]
    return CheckItem(name, passed=True, detail=(", ".join(configured) or "None configured") + ": TLS or local.")


register_check("Internal CA bundle", check_ca_bundle)
register_check("Security services TLS", check_security_services_tls)
register_check("Database TLS", check_database_tls)
register_check("Database least privilege", check_database_privileges, needs_database=True)
register_check("Redis TLS", check_redis_tls)
register_check("Mail relay TLS", check_smtp_tls)
register_check("S3 endpoint TLS", check_s3_tls)
register_check("Jitsi TLS", check_jitsi_tls)
register_check("Witness TLS", check_witness_tls)
register_check("Partner connections TLS", check_partner_tls, needs_database=True)
register_check("Feed sources TLS", check_feed_tls, needs_database=True)
