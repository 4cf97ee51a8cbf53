"""Shipping audit events to a separate collector as they are written (ASVS V16.4.3).

:func:`chancery.audit.services.audit_record` queues each event in :class:`AuditShipment` (the durable
outbox) in the same transaction as the event; the task worker drains it every
``AUDIT_SHIP_INTERVAL_SECONDS`` (:func:`audit_ship_due`), oldest first, in batches. A batch that the
collector does not take stays queued and is retried with exponential backoff (capped, never given up: an
audit event must not be lost); a worker killed mid-batch leaves its rows leased, and they are sent again
after the lease (at-least-once delivery: the collector de-duplicates by the event's ``id``).

``AUDIT_SHIP_URL`` chooses the protocol:

* ``syslog+tls://host:6514``: RFC 5424 messages over TLS with RFC 5425 octet-counting framing
  (``MSG-LEN SP SYSLOG-MSG``), facility 13 (log audit), severity notice (warning for failed or denied
  actions), the event's fields as structured data ``[audit@32473 …]`` and as a JSON message body;
* ``https://…``: a JSON ``POST`` of ``{"events": […]}``, with ``Authorization: Bearer AUDIT_SHIP_TOKEN``
  when a token is set; any 2xx answer means received, redirects are not followed.

Both verify the collector's certificate (system CAs, or ``AUDIT_SHIP_CA_FILE``) and may present a client
certificate (``AUDIT_SHIP_CLIENT_CERT_FILE``, PEM with its key). Audit events hold references and
metadata only, never classified content; shipping adds no audit events of its own (a failure is logged).
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chancery.audit.models import AuditEvent, AuditShipment
from chancery.platform import access
from chancery.platform.actor import Actor

logger = logging.getLogger(__name__)

BATCH = 200
MAX_BATCHES_PER_RUN = 50
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_MAX = timedelta(minutes=15)
SYSLOG_PORT = 6514
FACILITY_LOG_AUDIT = 13
SEVERITY_NOTICE = 5
SEVERITY_WARNING = 4
SD_ID = "audit@32473"  # 32473: the private enterprise number RFC 5612 sets aside for examples
APP_NAME = "chancery"
BOM = "\ufeff".encode()


class ShippingError(Exception):
    """The collector did not take the batch (unreachable, refused TLS, or an error answer)."""


@dataclass(frozen=True, slots=True)
class ShipReport:
    """What one drain did: events delivered, events still queued, and the error that stopped it."""

    shipped: int
    pending: int
    error: str


def backoff(attempts: int) -> timedelta:
    """Return the wait after ``attempts`` failed tries: 10 s doubling, at most 15 minutes."""
    return min(BACKOFF_BASE * int(2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def event_document(event: AuditEvent) -> dict[str, Any]:
    """Return the JSON form of ``event`` that is shipped (every column; metadata only by construction)."""
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "actor_id": event.actor_id,
        "actor_organisation_id": event.actor_organisation_id,
        "actor": event.actor_username,
        "action": event.action,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "classification": event.classification,
        "client_ip": event.client_ip,
        "detail": event.detail,
    }


def _printable_ascii(value: str, *, limit: int) -> str:
    """RFC 5424 header fields: PRINTUSASCII (33-126) only, ``-`` when empty."""
    cleaned = "".join(ch if 33 <= ord(ch) <= 126 else "_" for ch in value)[:limit]
    return cleaned or "-"


def _sd_value(value: object) -> str:
    r"""An RFC 5424 PARAM-VALUE: UTF-8 with ``"``, ``\`` and ``]`` escaped by a backslash."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def syslog_message(document: dict[str, Any], *, hostname: str) -> bytes:
    """Format one shipped event as an RFC 5424 SYSLOG-MSG.

    ``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [audit@32473 …] BOM{json}``: PRI is facility 13
    (log audit) times 8 plus the severity; MSGID is the action; the structured data names the event.
    """
    severity = SEVERITY_NOTICE if document["outcome"] == "success" else SEVERITY_WARNING
    params = {
        "id": document["id"],
        "outcome": document["outcome"],
        "actor": document["actor"],
        "object": f"{document['object_type']}:{document['object_id']}",
    }
    structured = "[" + SD_ID + "".join(f' {name}="{_sd_value(value)}"' for name, value in params.items()) + "]"
    header = " ".join(
        [
            f"<{FACILITY_LOG_AUDIT * 8 + severity}>1",
            document["occurred_at"],
            _printable_ascii(hostname, limit=255),
            APP_NAME,
            "-",
            _printable_ascii(document["action"], limit=32),
            structured,
        ]
    )
    body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return header.encode() + b" " + BOM + body.encode()


def octet_frame(message: bytes) -> bytes:
    """Frame one message for syslog over TLS (RFC 5425 section 4.3): ``MSG-LEN SP SYSLOG-MSG``."""
    return str(len(message)).encode("ascii") + b" " + message


def tls_context(*, ca_file: str, client_cert_file: str) -> ssl.SSLContext:
    """Return a client TLS context (TLS 1.2 or later) verifying the collector, optionally presenting a cert."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client_cert_file:
        context.load_cert_chain(client_cert_file)
    return context


class Transport(Protocol):
    """Delivers a batch of shipped events to the collector, or raises ShippingError."""

    def send(self, documents: list[dict[str, Any]]) -> None:
        """Deliver ``documents`` in order."""
        ...


class SyslogTlsTransport:
    """RFC 5424 over TLS with RFC 5425 framing; one connection per batch."""

    def __init__(self, *, host: str, port: int, context: ssl.SSLContext, timeout: float, hostname: str) -> None:
        """Remember the collector and how to reach it."""
        self.host, self.port, self.context, self.timeout, self.hostname = host, port, context, timeout, hostname

    def send(self, documents: list[dict[str, Any]]) -> None:
        """Open a verified TLS connection, write every framed message, close it cleanly."""
        payload = b"".join(octet_frame(syslog_message(d, hostname=self.hostname)) for d in documents)
        try:
            with (
                socket.create_connection((self.host, self.port), timeout=self.timeout) as raw,
                self.context.wrap_socket(raw, server_hostname=self.host) as tls,
            ):
                tls.sendall(payload)
                tls.unwrap()  # close_notify: the collector has read everything before the connection ends
        except (OSError, ssl.SSLError) as exc:
            msg = f"syslog collector {self.host}:{self.port}: {type(exc).__name__}"
            raise ShippingError(msg) from None


class HttpsTransport:
    """A JSON ``POST`` of ``{"events": […]}`` over verified HTTPS."""

    def __init__(self, *, url: str, token: str, context: ssl.SSLContext, timeout: float) -> None:
        """Remember the collector's URL, the bearer token and the TLS context."""
        self.url, self.token, self.context, self.timeout = url, token, context, timeout

    def send(self, documents: list[dict[str, Any]]) -> None:
        """Post the batch; anything but a 2xx answer is a failure."""
        headers = {"Content-Type": "application/json", "User-Agent": "Chancery audit shipper"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps({"events": documents}, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            with httpx.Client(verify=self.context, timeout=self.timeout, follow_redirects=False) as client:
                response = client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            msg = f"HTTPS collector: {type(exc).__name__}"
            raise ShippingError(msg) from None
        if not response.is_success:
            msg = f"HTTPS collector answered {response.status_code}"
            raise ShippingError(msg)


def shipping_transport() -> Transport | None:
    """Return the transport ``AUDIT_SHIP_URL`` names (None when unset); raise ValueError for a bad URL."""
    url = settings.AUDIT_SHIP_URL
    if not url:
        return None
    parts = urlsplit(url)
    context = tls_context(ca_file=settings.AUDIT_SHIP_CA_FILE, client_cert_file=settings.AUDIT_SHIP_CLIENT_CERT_FILE)
    timeout = float(settings.AUDIT_SHIP_TIMEOUT_SECONDS)
    if parts.scheme == "syslog+tls" and parts.hostname:
        return SyslogTlsTransport(
            host=parts.hostname,
            port=parts.port or SYSLOG_PORT,
            context=context,
            timeout=timeout,
            hostname=socket.gethostname(),
        )
    if parts.scheme == "https" and parts.hostname:
        return HttpsTransport(url=url, token=settings.AUDIT_SHIP_TOKEN, context=context, timeout=timeout)
    msg = "CHANCERY_AUDIT_SHIP_URL must be syslog+tls://host:port or https://… (plain text is refused)"
    raise ValueError(msg)


def _lease() -> timedelta:
    return timedelta(seconds=4 * settings.AUDIT_SHIP_TIMEOUT_SECONDS) + BACKOFF_BASE


def _claim(now: Any) -> list[AuditShipment]:
    """Lease the next due batch (rows locked where the database can), so a second worker skips it."""
    with transaction.atomic():
        rows = list(
            AuditShipment.objects.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lte=now)
            .order_by("event_id")[:BATCH]
        )
        AuditShipment.objects.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=now + _lease())
    return rows


def audit_ship_due(*, actor: Actor) -> ShipReport:
    """Send every queued audit event that is due to the collector, oldest first, in batches.

    Needs ``audit.ship`` (the system actor: the periodic job). A batch the collector took is removed from
    the outbox; a failed batch gets its attempts counted, its error noted and its next try pushed back by
    :func:`backoff`, and the run stops there (later events wait behind it, keeping the order). Emits no
    audit event (it would queue another one); logs failures without content.
    """
    access.require(actor, "audit.ship")
    try:
        transport = shipping_transport()
    except (ValueError, OSError, ssl.SSLError) as exc:  # a bad URL or unreadable TLS files: nothing is sent
        logger.error("audit shipping is misconfigured: %s", exc)
        return ShipReport(shipped=0, pending=AuditShipment.objects.count(), error=str(exc))
    if transport is None:
        return ShipReport(shipped=0, pending=AuditShipment.objects.count(), error="")
    shipped = 0
    for _batch in range(MAX_BATCHES_PER_RUN):
        rows = _claim(timezone.now())
        if not rows:
            break
        events = AuditEvent.objects.filter(pk__in=[row.event_id for row in rows]).order_by("pk")
        documents = [event_document(event) for event in events]
        try:
            if documents:
                transport.send(documents)
        except ShippingError as exc:
            failed_at = timezone.now()
            for row in rows:
                row.attempts += 1
                row.next_attempt_at = failed_at + backoff(row.attempts)
                row.last_error = str(exc)[:200]
            with transaction.atomic():
                AuditShipment.objects.bulk_update(rows, ["attempts", "next_attempt_at", "last_error"])
            logger.warning("audit shipping failed for %d event(s), will retry: %s", len(rows), exc)
            return ShipReport(shipped=shipped, pending=AuditShipment.objects.count(), error=str(exc))
        with transaction.atomic():
            AuditShipment.objects.filter(pk__in=[row.pk for row in rows]).delete()
        shipped += len(documents)
    return ShipReport(shipped=shipped, pending=AuditShipment.objects.count(), error="")


def shipping_check() -> tuple[bool, str]:
    """Return ``(passed, detail)`` for ``chancery check``: off, configured with its backlog, or misconfigured."""
    if not settings.AUDIT_SHIP_URL:
        return True, "Off: audit events stay on this server only (set CHANCERY_AUDIT_SHIP_URL)."
    try:
        shipping_transport()
    except (ValueError, OSError, ssl.SSLError) as exc:
        return False, str(exc) if isinstance(exc, ValueError) else f"TLS settings unusable: {type(exc).__name__}."
    oldest = AuditShipment.objects.order_by("event_id").first()
    if oldest is not None and oldest.attempts > 0:
        return False, f"{AuditShipment.objects.count()} event(s) not yet shipped; last error: {oldest.last_error}"
    target = urlsplit(settings.AUDIT_SHIP_URL)
    return True, f"Shipping to {target.scheme}://{target.hostname}; {AuditShipment.objects.count()} queued."
