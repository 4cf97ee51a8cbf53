"""Audit events shipped to a separate collector as they are written (ASVS V16.4.3): a durable outbox drained
by the worker, RFC 5424 syslog over TLS (RFC 5425 framing) or JSON over HTTPS, retried with backoff."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent, AuditShipment
from chancery.audit.services import audit_record
from chancery.audit.shipping import (
    BOM,
    _claim,
    audit_ship_due,
    backoff,
    octet_frame,
    shipping_check,
    syslog_message,
)
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of
from tests.security.fake_clamd import closed_port_url
from tests.security.tls_fakes import LocalPKI, https_collector, make_pki, parse_octet_frames, syslog_tls_collector

SYSTEM = Actor.system(purpose="tests")
HEADER = re.compile(
    rb"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>[!-~]{1,255}) chancery - (?P<msgid>[!-~]{1,32}) "
    rb"\[audit@32473 (?P<sd>(?:[^\]\\]|\\.)*)\] " + re.escape(BOM) + rb"(?P<msg>\{.*\})$",
    re.DOTALL,
)


@pytest.fixture
def pki(tmp_path: Path) -> LocalPKI:
    return make_pki(tmp_path / "pki")


def _record(action: str = "vault.document_uploaded", **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return audit_record(actor=SYSTEM, action=action, object_type="vault.document", object_id=7, **kwargs)


def _make_due() -> None:
    AuditShipment.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_events_go_to_a_syslog_collector_over_tls_in_rfc5424(settings: Any, pki: LocalPKI) -> None:
    with syslog_tls_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"syslog+tls://127.0.0.1:{collector.port}"
        settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
        first = _record(detail={"size": 12, "note": 'quote " and ] bracket'})
        second = _record("identity.sign_in_failed", outcome="failure")
        assert AuditShipment.objects.count() == 2
        report = audit_ship_due(actor=SYSTEM)
    assert (report.shipped, report.pending, report.error) == (2, 0, "")
    assert not AuditShipment.objects.exists()
    assert len(collector.messages) == 2
    parsed = [HEADER.match(message) for message in collector.messages]
    assert all(parsed), collector.messages
    one, two = (match for match in parsed if match)
    assert one["pri"] == b"109"  # facility 13 (log audit) * 8 + notice
    assert two["pri"] == b"108"  # warning for a failed action
    assert one["msgid"] == b"vault.document_uploaded"
    assert f'id="{first.pk}"'.encode() in one["sd"]
    body = json.loads(one["msg"])
    assert body["id"] == first.pk
    assert body["detail"] == {"size": 12, "note": 'quote " and ] bracket'}
    assert json.loads(two["msg"])["id"] == second.pk


@pytest.mark.django_db
def test_events_go_to_an_https_collector_as_json_with_the_token(settings: Any, pki: LocalPKI) -> None:
    with https_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"https://127.0.0.1:{collector.port}/ingest"
        settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
        settings.AUDIT_SHIP_TOKEN = "collector-token"
        events = [_record(), _record("vault.document_opened")]
        assert audit_ship_due(actor=SYSTEM).shipped == 2
    assert [e["id"] for e in collector.batches[0]["events"]] == [e.pk for e in events]
    assert collector.authorizations == ["Bearer collector-token"]


@pytest.mark.django_db
def test_nothing_is_lost_while_the_collector_is_down(settings: Any, pki: LocalPKI) -> None:
    settings.AUDIT_SHIP_URL = closed_port_url().replace("tcp://", "syslog+tls://")
    settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
    events = [_record() for _ in range(3)]
    report = audit_ship_due(actor=SYSTEM)
    assert report.shipped == 0
    assert report.pending == 3
    assert "ConnectionRefusedError" in report.error
    row = AuditShipment.objects.order_by("event_id").first()
    assert row is not None
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert audit_ship_due(actor=SYSTEM).shipped == 0  # not due yet: backoff
    passed, detail = shipping_check()
    assert not passed
    assert "3 event(s) not yet shipped" in detail
    events.append(_record())  # written while the collector is away
    with syslog_tls_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"syslog+tls://127.0.0.1:{collector.port}"
        _make_due()
        assert audit_ship_due(actor=SYSTEM).shipped == 4
    shipped_ids = [json.loads(HEADER.match(m)["msg"])["id"] for m in collector.messages]  # type: ignore[index]
    assert shipped_ids == [e.pk for e in events]  # every event, in order


@pytest.mark.django_db
def test_an_error_answer_or_an_untrusted_certificate_keeps_the_events(
    settings: Any, pki: LocalPKI, tmp_path: Path
) -> None:
    other = make_pki(tmp_path / "other", common_name="Someone else's CA")
    with https_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"https://127.0.0.1:{collector.port}/ingest"
        settings.AUDIT_SHIP_CA_FILE = str(other.ca_file)  # does not vouch for the collector
        _record()
        assert "ConnectError" in audit_ship_due(actor=SYSTEM).error
        settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
        collector.status = 503
        _make_due()
        assert audit_ship_due(actor=SYSTEM).error == "HTTPS collector answered 503"
        assert AuditShipment.objects.get().attempts == 2
        collector.status = 200
        _make_due()
        assert audit_ship_due(actor=SYSTEM).shipped == 1
    assert len(collector.batches) == 1


@pytest.mark.django_db
def test_a_worker_killed_mid_batch_leaves_the_events_to_be_sent_after_the_lease(settings: Any, pki: LocalPKI) -> None:
    with syslog_tls_collector(pki) as collector:
        settings.AUDIT_SHIP_URL = f"syslog+tls://127.0.0.1:{collector.port}"
        settings.AUDIT_SHIP_CA_FILE = str(pki.ca_file)
        _record()
        assert len(_claim(timezone.now())) == 1  # a worker took the batch, then died before sending
        assert audit_ship_due(actor=SYSTEM).shipped == 0  # leased: a second worker leaves it alone
        _make_due()  # the lease ran out
        assert audit_ship_due(actor=SYSTEM).shipped == 1
    assert len(collector.messages) == 1


@pytest.mark.django_db
def test_an_event_rolled_back_with_its_change_is_never_shipped(settings: Any) -> None:
    settings.AUDIT_SHIP_URL = "syslog+tls://127.0.0.1:6514"

    def change_that_fails() -> None:
        with transaction.atomic():
            audit_record(actor=SYSTEM, action="vault.document_uploaded")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not AuditShipment.objects.exists()


@pytest.mark.django_db
def test_without_a_collector_nothing_is_queued(settings: Any) -> None:
    settings.AUDIT_SHIP_URL = ""
    _record()
    assert not AuditShipment.objects.exists()
    assert shipping_check() == (True, "Off: audit events stay on this server only (set CHANCERY_AUDIT_SHIP_URL).")


@pytest.mark.django_db
def test_plain_text_collectors_are_refused(settings: Any) -> None:
    settings.AUDIT_SHIP_URL = "http://collector.example/ingest"
    _record()
    report = audit_ship_due(actor=SYSTEM)
    assert report.shipped == 0
    assert "plain text is refused" in report.error
    assert AuditShipment.objects.count() == 1
    assert not shipping_check()[0]


@pytest.mark.django_db
def test_only_the_system_drains_the_outbox(desk_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        audit_ship_due(actor=actor_of(desk_officer))


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert backoff(30) == timedelta(minutes=15)


@hypothesis_settings(deadline=None)
@given(
    action=st.text(max_size=120),
    actor=st.text(max_size=80),
    object_id=st.text(max_size=64),
    outcome=st.sampled_from(["success", "failure", "denied"]),
)
def test_any_event_makes_a_well_formed_framed_rfc5424_message(
    action: str, actor: str, object_id: str, outcome: str
) -> None:
    document = {
        "id": 42,
        "occurred_at": "2026-11-28T01:02:03.000004Z",
        "actor": actor,
        "action": action,
        "outcome": outcome,
        "object_type": "vault.document",
        "object_id": object_id,
        "detail": {},
    }
    message = syslog_message(document, hostname="chancery-host")
    assert parse_octet_frames(octet_frame(message) * 2) == [message, message]
    match = HEADER.match(message)
    assert match, message
    assert json.loads(match["msg"].decode())["actor"] == actor
    sd = match["sd"].decode()
    assert re.fullmatch(r'(?:\s?[a-z]+="(?:[^"\\\]]|\\["\\\]])*")+', sd), sd
