"""Audit events as transparency-log leaves: every field of the row, the detail as a SHA-256 digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import rfc8785

from chancery.audit.models import AuditEvent
from chancery.transparency.records import RecordType, register

RECORD_TYPE = "audit.event"


def audit_event_fields(event: AuditEvent) -> dict[str, Any]:
    """Return the leaf fields of ``event``: references and metadata, the detail only as a digest."""
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "classification": event.classification,
        "client_ip": event.client_ip,
        "outcome": event.outcome,
        "detail_sha256": hashlib.sha256(bytes(rfc8785.dumps(event.detail))).hexdigest(),
    }


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    events = AuditEvent.objects.filter(pk__in=[int(i) for i in ids])
    return {str(event.pk): audit_event_fields(event) for event in events}


def _list_ids() -> Iterable[str]:
    return (str(pk) for pk in AuditEvent.objects.order_by("pk").values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
