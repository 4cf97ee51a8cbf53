"""Periodic jobs of the resilience app: the scheduled backup (``BACKUP_INTERVAL_HOURS``, 0 for none)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from chancery.platform.schedule import Periodic, register
from chancery.resilience.tasks import backup_scheduled

if settings.BACKUP_INTERVAL_HOURS > 0:
    register(
        Periodic(name="resilience.backup", task=backup_scheduled, every=timedelta(hours=settings.BACKUP_INTERVAL_HOURS))
    )
