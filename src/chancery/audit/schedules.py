"""Periodic job of the audit app: shipping events to the collector (only when ``AUDIT_SHIP_URL`` is set)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from chancery.audit.tasks import audit_ship
from chancery.platform.schedule import Periodic, register

if settings.AUDIT_SHIP_URL:
    register(
        Periodic(
            name="audit.ship", task=audit_ship, every=timedelta(seconds=max(settings.AUDIT_SHIP_INTERVAL_SECONDS, 1))
        )
    )
