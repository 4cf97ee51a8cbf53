"""``/api/v1/monitoring/alerts``: security alerts for the ministry's security officers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import Problem
from chancery.resilience.monitoring import selectors, services
from chancery.resilience.monitoring.models import SecurityAlert
from chancery.resilience.monitoring.schemas import AlertOut, CloseIn

router = Router(tags=["monitoring"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, operation_id="monitoring_alerts_list")
@paginated
def alerts(request: HttpRequest, status: str = "") -> QuerySet[SecurityAlert]:
    """List security alerts, newest first (``status``: open, acknowledged or closed)."""
    return selectors.alert_list(actor=request_actor(request), status=status)


@router.post(
    "/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS}, operation_id="monitoring_alerts_acknowledge"
)
def acknowledge(request: HttpRequest, alert_id: int) -> SecurityAlert:
    """Acknowledge an open alert."""
    return services.alert_acknowledge(actor=request_actor(request), alert_id=alert_id)


@router.post("/alerts/{alert_id}/close", response={200: AlertOut, **ERRORS}, operation_id="monitoring_alerts_close")
def close(request: HttpRequest, alert_id: int, body: CloseIn) -> SecurityAlert:
    """Close an alert with a note."""
    return services.alert_close(actor=request_actor(request), alert_id=alert_id, note=body.note)
