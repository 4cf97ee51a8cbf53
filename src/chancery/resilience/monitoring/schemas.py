"""API schemas for security alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from chancery.resilience.monitoring.enums import AlertKind, AlertStatus
from chancery.resilience.monitoring.explain import alert_explanation
from chancery.resilience.monitoring.models import SecurityAlert


class AlertOut(Schema):
    """An alert with what triggered it: the explanation, its figures and the audit events behind it."""

    id: int
    kind: AlertKind
    status: AlertStatus
    subject_username: str
    explanation: str
    figures: dict[str, Any]
    event_ids: list[int]
    created_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    note: str

    @staticmethod
    def resolve_explanation(obj: SecurityAlert) -> str:
        """The translated sentence saying what triggered the alert."""
        return alert_explanation(obj)


class CloseIn(Schema):
    """The note an alert is closed with."""

    note: str = Field(min_length=1, max_length=2000)
