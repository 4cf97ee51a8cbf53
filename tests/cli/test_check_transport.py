"""``chancery check``'s transport items (ASVS V12.3.1/3/4, V13.2.2): each one's pass and fail, and the CA bundle."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.mail import mailers
from django.db import connection
from django.test import override_settings

from chancery import cli
from chancery.identity.enums import Role
from chancery.intelligence.models import Source
from chancery.platform import deployment_checks
from chancery.platform.deployment import CheckItem, deployment_checklist
from chancery.platform.tls import VerifiedSmtpBackend, client_ssl_context, redis_tls_options
from chancery.resilience.webhooks import services as webhook_services
from chancery.resilience.webhooks.ssrf import Endpoint
from chancery.resilience.webhooks.transport import PinnedTransport, TransportError
from chancery_tlog.checkpoint import COSIGNATURE_TYPE_ED25519
from chancery_tlog.note import format_vkey, generate_key
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.security.tls_fakes import LocalPKI, make_pki

pytestmark = pytest.mark.django_db

INTERNAL_HOST = "hooks.mofa.internal"


def _item(name: str) -> CheckItem:
    return next(item for item in deployment_checklist() if item.name == name)


@pytest.fixture
def internal_ca(tmp_path: Path) -> LocalPKI:
    """An internal CA's certificate (the bundle) and a server certificate it issued for INTERNAL_HOST."""
    return make_pki(tmp_path / "pki", common_name="MOFA Internal CA", hostname=INTERNAL_HOST)


class _Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        return


@pytest.fixture
def internal_tls_server(internal_ca: LocalPKI) -> Iterator[int]:
    """A local HTTPS webhook endpoint whose certificate only the internal CA vouches for."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    httpd.socket = internal_ca.server_context().wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


# --- The CA bundle -----------------------------------------------------------------------------------


def test_ca_bundle_check_passes_unset_or_valid_and_fails_missing_or_not_pem(
    tmp_path: Path, internal_ca: LocalPKI
) -> None:
    bundle = internal_ca.ca_file
    with override_settings(CA_BUNDLE=""):
        assert _item("Internal CA bundle").passed
    with override_settings(CA_BUNDLE=str(bundle)):
        item = _item("Internal CA bundle")
        assert item.passed
        assert str(bundle) in item.detail
    with override_settings(CA_BUNDLE=str(tmp_path / "missing.pem")):
        assert not _item("Internal CA bundle").passed
        assert cli.main(["check"]) == 1
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate", encoding="utf-8")
    with override_settings(CA_BUNDLE=str(garbage)):
        item = _item("Internal CA bundle")
        assert not item.passed
        assert "PEM" in item.detail
        context = client_ssl_context()  # clients keep working with the system roots, verification still on
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert "MOFA Internal CA" not in str(context.get_ca_certs())


def test_webhook_transport_trusts_the_internal_ca_only_when_configured(
    internal_ca: LocalPKI, internal_tls_server: int
) -> None:
    endpoint = Endpoint(scheme="https", host=INTERNAL_HOST, port=internal_tls_server, path="/", address="127.0.0.1")
    with override_settings(CA_BUNDLE="", WEBHOOK_TIMEOUT_SECONDS=5), pytest.raises(TransportError):
        PinnedTransport().post(endpoint, headers={}, body=b"{}")
    with override_settings(CA_BUNDLE=str(internal_ca.ca_file), WEBHOOK_TIMEOUT_SECONDS=5):
        assert PinnedTransport().post(endpoint, headers={}, body=b"{}").status == 204
        wrong_name = Endpoint(
            scheme="https", host="other.internal", port=internal_tls_server, path="/", address="127.0.0.1"
        )
        with pytest.raises(TransportError):  # the certificate's name is still checked
            PinnedTransport().post(wrong_name, headers={}, body=b"{}")


def test_client_contexts_verify_and_add_the_bundle(internal_ca: LocalPKI) -> None:
    with override_settings(CA_BUNDLE=str(internal_ca.ca_file)):
        context = client_ssl_context()
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
        issuers = [dict(item[0] for item in cert["subject"]) for cert in context.get_ca_certs()]
        assert {"commonName": "MOFA Internal CA"} in issuers
        smtp_mailer = {"BACKEND": "chancery.platform.tls.VerifiedSmtpBackend", "OPTIONS": {"host": "smtp.mofa.example"}}
        with override_settings(
            MAILERS={"default": {**smtp_mailer, "OPTIONS": {**smtp_mailer["OPTIONS"], "use_tls": True}}}
        ):
            backend = mailers["default"]
            assert isinstance(backend, VerifiedSmtpBackend)
            smtp_context = backend.ssl_context
        assert smtp_context.verify_mode == ssl.CERT_REQUIRED
        assert {"commonName": "MOFA Internal CA"} in [
            dict(item[0] for item in cert["subject"]) for cert in smtp_context.get_ca_certs()
        ]
        assert redis_tls_options("rediss://cache.mofa.internal:6380/0") == {"ssl_ca_certs": str(internal_ca.ca_file)}
        assert redis_tls_options("redis://localhost:6379/0") == {}
    with override_settings(CA_BUNDLE=""):
        assert redis_tls_options("rediss://cache.mofa.internal:6380/0") == {}


# --- Database ----------------------------------------------------------------------------------------


def _postgres(monkeypatch: pytest.MonkeyPatch, host: str, **options: str) -> None:
    fake = SimpleNamespace(vendor="postgresql", settings_dict={"HOST": host, "OPTIONS": options})
    monkeypatch.setattr(deployment_checks, "connection", fake)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.delenv("PGSSLROOTCERT", raising=False)
    monkeypatch.setenv("HOME", "/nonexistent")


@pytest.mark.parametrize(
    ("host", "options", "passed", "warning"),
    [
        ("db.mofa.internal", {}, False, False),
        ("db.mofa.internal", {"sslmode": "prefer"}, False, False),
        ("db.mofa.internal", {"sslmode": "require"}, False, False),
        ("db.mofa.internal", {"sslmode": "require", "sslrootcert": "/etc/chancery/ca.pem"}, True, True),
        ("db.mofa.internal", {"sslmode": "verify-ca"}, True, True),
        ("db.mofa.internal", {"sslmode": "verify-full", "sslrootcert": "/etc/chancery/ca.pem"}, True, False),
        ("127.0.0.1", {}, True, False),
        ("/var/run/postgresql", {}, True, False),
        ("", {}, True, False),
    ],
)
def test_database_tls_needs_verify_full_off_this_host(
    monkeypatch: pytest.MonkeyPatch, host: str, options: dict[str, str], passed: bool, warning: bool
) -> None:
    _postgres(monkeypatch, host, **options)
    item = deployment_checks.check_database_tls()
    assert (item.passed, item.warning) == (passed, warning)
    if not passed:
        assert "verify-full" in item.detail


def test_database_items_on_the_test_database() -> None:
    if connection.vendor == "postgresql":  # the PostgreSQL pass: a loopback connection needs no TLS
        assert _item("Database TLS").detail.startswith("Local connection")
        return
    assert _item("Database TLS").detail.startswith("Not applicable")
    assert _item("Database least privilege").detail.startswith("Not applicable")


@pytest.mark.postgres
def test_database_privilege_warning_for_a_schema_owner_not_for_an_application_role() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    item = _item("Database least privilege")  # the test role owns the schema (and may be a superuser)
    assert item.passed
    assert item.warning
    assert "owner role" in item.detail
    with connection.cursor() as cursor:  # created inside the test's transaction: rolled back afterwards
        cursor.execute("CREATE ROLE chancery_check_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        cursor.execute("GRANT USAGE ON SCHEMA public TO chancery_check_app")
        cursor.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO chancery_check_app")
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cursor.execute("SET LOCAL ROLE chancery_check_app")
    try:
        assert deployment_checks.database_ddl_privileges() == []
        item = deployment_checks.check_database_privileges()
        assert (item.passed, item.warning) == (True, False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    with connection.cursor() as cursor:
        cursor.execute("GRANT CREATE ON SCHEMA public TO chancery_check_app")
        cursor.execute("SET LOCAL ROLE chancery_check_app")
    try:
        assert deployment_checks.database_ddl_privileges() == ["may CREATE in schema public"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == owner


# --- Redis, SMTP, S3, Jitsi, witnesses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "passed"),
    [
        ("", True),
        ("redis://localhost:6379/0", True),
        ("unix:///run/redis/redis.sock", True),
        ("redis://cache.mofa.internal:6379/0", False),
        ("rediss://cache.mofa.internal:6380/0", True),
        ("rediss://cache.mofa.internal:6380/0?ssl_cert_reqs=none", False),
    ],
)
def test_redis_needs_rediss_with_verification(url: str, passed: bool) -> None:
    with override_settings(REDIS_URL=url):
        assert _item("Redis TLS").passed is passed


@pytest.mark.parametrize(
    ("backend", "options", "passed"),
    [
        ("django.core.mail.backends.filebased.EmailBackend", {"file_path": "/tmp/mail"}, True),
        ("chancery.platform.tls.VerifiedSmtpBackend", {"host": "smtp.mofa.example"}, False),
        ("chancery.platform.tls.VerifiedSmtpBackend", {"host": "smtp.mofa.example", "use_tls": True}, True),
        ("django.core.mail.backends.smtp.EmailBackend", {"host": "smtp.mofa.example", "use_ssl": True}, True),
        ("django.core.mail.backends.smtp.EmailBackend", {"host": "localhost"}, True),
    ],
)
def test_smtp_needs_starttls_or_implicit_tls(backend: str, options: dict[str, Any], passed: bool) -> None:
    with override_settings(MAILERS={"default": {"BACKEND": backend, "OPTIONS": options}}):
        assert deployment_checks.check_smtp_tls().passed is passed


@pytest.mark.parametrize(
    ("store", "endpoint", "passed"),
    [
        ("local", "http://minio.mofa.internal:9000", True),
        ("s3", "", True),
        ("s3", "https://minio.mofa.internal:9000", True),
        ("s3", "http://minio.mofa.internal:9000", False),
    ],
)
def test_s3_endpoint_must_be_https(store: str, endpoint: str, passed: bool) -> None:
    with override_settings(VAULT_BLOB_STORE=store, VAULT_S3_ENDPOINT_URL=endpoint):
        assert deployment_checks.check_s3_tls().passed is passed


@pytest.mark.parametrize(
    ("url", "passed"), [("", True), ("https://meet.mofa.gov.vn", True), ("http://meet.mofa.gov.vn", False)]
)
def test_jitsi_must_be_https(url: str, passed: bool) -> None:
    with override_settings(JITSI_URL=url):
        assert _item("Jitsi TLS").passed is passed


def test_witness_urls_must_be_https(tmp_path: Path) -> None:
    _skey, log_vkey = generate_key("chancery.example/log")
    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    witness_vkey = format_vkey("witness.partner.example", bytes([COSIGNATURE_TYPE_ED25519]) + raw)
    policy = tmp_path / "policy.txt"
    for url, passed in (("https://witness.partner.example", True), ("http://witness.partner.example", False)):
        policy.write_text(f"log {log_vkey}\nwitness partner {witness_vkey} {url}\nquorum partner\n", encoding="utf-8")
        with override_settings(TLOG_WITNESS_POLICY=str(policy)):
            item = _item("Witness TLS")
            assert item.passed is passed, item.detail
    with override_settings(TLOG_WITNESS_POLICY=str(tmp_path / "missing.txt")):
        assert not _item("Witness TLS").passed


# --- Stored endpoints: webhooks (fail on http) and feeds (warn on http) --------------------------------


def test_plain_http_webhook_endpoint_fails_and_https_passes(settings: Any) -> None:
    settings.WEBHOOK_ALLOWLIST = ["203.0.113.0/24"]
    ministry = OrganisationFactory(code="mofa-hq", kind="ministry")
    admin = UserFactory(username="admin-check", role=Role.ADMINISTRATOR, organisation=ministry)
    partner = OrganisationFactory(code="mofa-check", kind="partner_ministry", country_code="JP")
    assert _item("Partner connections TLS").passed
    created = webhook_services.subscription_create(
        actor=actor_of(admin),
        organisation_code=partner.code,
        url="http://203.0.113.5/hook",
        event_types=["document.shared"],
    )
    item = _item("Partner connections TLS")
    assert not item.passed
    assert "http://203.0.113.5" in item.detail
    assert "/hook" not in item.detail  # only scheme and host are reported
    assert cli.main(["check"]) == 1
    created.subscription.url = "https://203.0.113.5/hook"
    created.subscription.save(update_fields=["url"])
    assert _item("Partner connections TLS").passed


def test_plain_http_feed_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    Source.objects.create(key="rss:secure", name="Secure", kind="rss", url="https://news.example/feed", enabled=True)
    assert not _item("Feed sources TLS").warning
    Source.objects.create(key="rss:plain", name="Plain", kind="rss", url="http://news.example/rss", enabled=True)
    item = _item("Feed sources TLS")
    assert item.passed
    assert item.warning
    assert "http://news.example" in item.detail
    cli.main(["check"])
    assert "WARN" in capsys.readouterr().out
    Source.objects.filter(key="rss:plain").update(enabled=False)
    assert not _item("Feed sources TLS").warning


@pytest.mark.parametrize(
    ("overrides", "passed", "warning"),
    [
        ({}, True, False),
        ({"VAULT_TRANSIT_URL": "https://vault.mofa.internal:8200"}, True, False),
        ({"VAULT_TRANSIT_URL": "http://vault.mofa.internal:8200"}, False, False),
        ({"AUDIT_SHIP_URL": "syslog+tls://siem.mofa.internal:6514"}, True, False),
        ({"AUDIT_SHIP_URL": "http://siem.mofa.internal/ingest"}, False, False),
        ({"CLAMD_URL": "unix:///run/clamav/clamd.ctl"}, True, False),
        ({"CLAMD_URL": "tcp://127.0.0.1:3310"}, True, False),
        ({"CLAMD_URL": "tcp://av.mofa.internal:3310"}, True, True),
    ],
)
def test_security_services_use_tls_or_stay_local(overrides: dict[str, str], passed: bool, warning: bool) -> None:
    base = {"VAULT_TRANSIT_URL": "", "AUDIT_SHIP_URL": "", "CLAMD_URL": ""}
    with override_settings(**{**base, **overrides}):
        item = deployment_checks.check_security_services_tls()
    assert (item.passed, item.warning) == (passed, warning), item.detail
