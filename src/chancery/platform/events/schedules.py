"""The live event stream's scheduled jobs (enqueued by ``chancery worker`` when due)."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.events.tasks import purge_old_events
from chancery.platform.schedule import Periodic, register

register(Periodic(name="events.retention", task=purge_old_events, every=timedelta(hours=1)))
