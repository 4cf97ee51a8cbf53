"""``GET /api/v1/audit/events``: the audit trail for administrators and security officers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from chancery.audit.enums import Outcome
from chancery.audit.models import AuditEvent
from chancery.audit.selectors import AuditFilters, audit_event_list
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import Problem

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    """One audit event: references and metadata, never the content of an object."""

    id: int
    occurred_at: datetime
    actor_id: int | None
    actor: str = Field(validation_alias="actor_username")
    action: str
    object_type: str
    object_id: str
    classification: int | None
    client_ip: str | None
    outcome: Outcome
    detail: dict[str, Any]


class AuditEventFilters(Schema):
    """Filters: exact username, action prefix, outcome and a time range (``since`` ≤ t < ``until``)."""

    actor: str = Field("", max_length=150, description="Username of the actor (case-insensitive).")
    action: str = Field("", max_length=100, description="Actions starting with this text.")
    outcome: Outcome | None = None
    since: datetime | None = Field(None, description="Inclusive lower bound (ISO 8601).")
    until: datetime | None = Field(None, description="Exclusive upper bound (ISO 8601).")

    def to_filters(self) -> AuditFilters:
        """Return the selector's filters; times without an offset are read in the server's time zone."""

        def aware(value: datetime | None) -> datetime | None:
            if value is None or timezone.is_aware(value):
                return value
            return timezone.make_aware(value)

        return AuditFilters(
            actor=self.actor.strip(),
            action=self.action.strip(),
            outcome=self.outcome.value if self.outcome else "",
            since=aware(self.since),
            until=aware(self.until),
        )


@router.get(
    "/events",
    response={200: list[AuditEventOut], 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    operation_id="audit_events_list",
)
@paginated
def audit_events(request: HttpRequest, filters: Query[AuditEventFilters]) -> QuerySet[AuditEvent]:
    """List audit events, newest first (needs scope ``audit:read``; administrators and security officers)."""
    return audit_event_list(actor=request_actor(request), filters=filters.to_filters())
