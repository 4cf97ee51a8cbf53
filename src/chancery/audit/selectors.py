"""Reading the audit trail: filtered, newest first, limited to what the actor may see."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from chancery.audit.models import AuditEvent
from chancery.platform import access
from chancery.platform.actor import Actor


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Filters for the audit trail; empty values filter nothing.

    ``actor`` matches the username exactly (ignoring case); ``action`` matches names starting with it
    (``"identity."`` selects every identity event); ``since`` is inclusive and ``until`` exclusive.
    """

    actor: str = ""
    action: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def as_detail(self) -> dict[str, Any]:
        """Return the non-empty filters as JSON-ready metadata (for audit events)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value not in ("", None)
        }


def _filtered(queryset: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    if filters.actor:
        queryset = queryset.filter(actor_username__iexact=filters.actor)
    if filters.action:
        queryset = queryset.filter(action__startswith=filters.action)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.since is not None:
        queryset = queryset.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        queryset = queryset.filter(occurred_at__lt=filters.until)
    return queryset.order_by("-occurred_at", "-id")


def audit_event_list(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Return the audit events ``actor`` may see that match ``filters``, newest first.

    Needs ``audit.view`` (administrators and security officers); raises :class:`PermissionDenied`
    otherwise. Emits nothing.
    """
    access.require(actor, "audit.view")
    return _filtered(access.visible(actor, "audit.view", AuditEvent.objects.all()), filters)


def audit_event_exportable(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Return the events ``actor`` may export that match ``filters`` (needs ``audit.export``)."""
    access.require(actor, "audit.export")
    return _filtered(access.visible(actor, "audit.export", AuditEvent.objects.all()), filters)
