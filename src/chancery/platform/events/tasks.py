"""Background work of the live event stream: purging events past their retention."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from chancery.platform.events.services import events_purge


@task()
def purge_old_events() -> int:
    """Delete live events older than ``EVENTS_RETENTION_DAYS``; return how many were deleted."""
    return events_purge(older_than=timedelta(days=settings.EVENTS_RETENTION_DAYS))
