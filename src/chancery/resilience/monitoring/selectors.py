"""Reads for the alerts page and API (security officers of the ministry)."""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.audit.selectors import AuditFilters, audit_event_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound
from chancery.resilience.monitoring.enums import AlertStatus
from chancery.resilience.monitoring.models import SecurityAlert


def alert_list(*, actor: Actor, status: str = "") -> QuerySet[SecurityAlert]:
    """Return alerts, newest first, optionally of one ``status``. Needs ``monitoring.view``."""
    access.require(actor, "monitoring.view")
    if status and status not in AlertStatus.values:
        raise InvalidInput(errors={"status": ["Unknown status."]})
    alerts = SecurityAlert.objects.order_by("-created_at", "-pk")
    return alerts.filter(status=status) if status else alerts


def alert_get(*, actor: Actor, alert_id: int) -> SecurityAlert:
    """Return one alert (NotFound when missing). Needs ``monitoring.view``."""
    alert = alert_list(actor=actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    return alert


def alert_events(*, actor: Actor, alert: SecurityAlert) -> list[dict[str, object]]:
    """Return the metadata of the audit events behind ``alert`` (time, actor, action, outcome, address)."""
    access.require(actor, "monitoring.view")
    rows = audit_event_list(actor=actor, filters=AuditFilters()).filter(pk__in=alert.event_ids)
    rows = rows.order_by("occurred_at", "pk")
    return [dict(row) for row in rows.values("pk", "occurred_at", "actor_username", "action", "outcome", "client_ip")]
