"""Writing audit events. Every state change in Chancery calls :func:`audit_record`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction

from chancery.audit.enums import Outcome
from chancery.audit.models import AuditEvent, AuditShipment
from chancery.audit.selectors import AuditFilters, audit_event_exportable
from chancery.audit.tlog_records import RECORD_TYPE, audit_event_fields
from chancery.platform.actor import Actor
from chancery.transparency.services import tlog_append_on_commit


def audit_record(
    *,
    actor: Actor,
    action: str,
    outcome: Outcome = Outcome.SUCCESS,
    object_type: str = "",
    object_id: str | int = "",
    classification: int | None = None,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event for ``actor`` doing ``action`` and return it.

    Needs: the actor (anonymous is allowed, e.g. for failed sign-ins; pass ``username`` then), the
    action name (``"<domain>.<verb>"``), and references to the object. ``detail`` holds metadata only
    (never classified content). Runs in the caller's transaction, so the event exists iff the change
    it describes was committed; its transparency-log leaf is appended on commit. With ``AUDIT_SHIP_URL``
    set, it also queues the event (same transaction) for :mod:`chancery.audit.shipping`.
    """
    event = AuditEvent.objects.create(
        actor_id=actor.user_id,
        actor_organisation_id=actor.organisation_id,
        actor_username=actor.username or username,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        classification=classification,
        client_ip=actor.client_ip,
        outcome=outcome,
        detail=detail or {},
    )
    event.refresh_from_db(fields=["occurred_at", "detail"])  # the leaf must hash what the database holds
    tlog_append_on_commit(record_type=RECORD_TYPE, record_id=event.pk, fields=audit_event_fields(event))
    if settings.AUDIT_SHIP_URL:  # the durable outbox the worker drains to the collector (audit/shipping.py)
        AuditShipment.objects.create(event_id=event.pk)
    return event


EXPORT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "classification",
    "client_ip",
    "detail",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Return ``value`` as CSV text that a spreadsheet will not evaluate as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def audit_event_export(*, actor: Actor, filters: AuditFilters) -> Iterator[list[str]]:
    """Record the export and return the CSV rows (a header, then the events, newest first) lazily.

    Needs ``audit.export`` (administrators and security officers; they export what they may view).
    Emits ``audit.exported`` with the filters before the first row is produced; the rows are read in
    chunks while the caller streams them.
    """
    events = audit_event_exportable(actor=actor, filters=filters)
    with transaction.atomic():
        audit_record(actor=actor, action="audit.exported", object_type="audit.event", detail=filters.as_detail())
    return _rows(events)


def _rows(events: Any) -> Iterator[list[str]]:
    import json

    yield list(EXPORT_COLUMNS)
    for event in events.iterator(chunk_size=500):
        yield [
            _cell(value)
            for value in (
                event.occurred_at.isoformat(),
                event.actor_id,
                event.actor_username,
                event.action,
                event.outcome,
                event.object_type,
                event.object_id,
                event.classification,
                event.client_ip,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            )
        ]
