"""Writing audit events. Every state change in Chancery calls :func:`audit_record`."""

from __future__ import annotations

from typing import Any

from chancery.audit.enums import Outcome
from chancery.audit.models import AuditEvent
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
    it describes was committed; its transparency-log leaf is appended on commit.
    """
    event = AuditEvent.objects.create(
        actor_id=actor.user_id,
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
    return event
