"""Threat intelligence's scheduled jobs (enqueued by ``chancery worker`` when due)."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.threatintel.tasks import pull_partner_feeds

register(Periodic(name="threatintel.pull", task=pull_partner_feeds, every=timedelta(minutes=15)))
