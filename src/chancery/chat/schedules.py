"""The chat's scheduled jobs (enqueued by ``chancery worker`` when due)."""

from __future__ import annotations

from datetime import timedelta

from chancery.chat.tasks import purge_expired
from chancery.platform.schedule import Periodic, register

register(Periodic(name="chat.retention", task=purge_expired, every=timedelta(hours=1)))
