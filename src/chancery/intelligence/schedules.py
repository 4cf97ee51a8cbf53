"""Periodic work of intelligence, run by ``chancery worker``: polling, spike detection, daily briefs."""

from __future__ import annotations

from datetime import timedelta

from chancery.intelligence.tasks import briefs_generate, sources_poll, spikes_detect
from chancery.platform.schedule import Periodic, register

# Each source has its own interval (``Source.poll_minutes``); this only decides how often they are checked.
register(Periodic(name="intelligence.poll", task=sources_poll, every=timedelta(minutes=5)))
register(Periodic(name="intelligence.spikes", task=spikes_detect, every=timedelta(hours=1)))
register(Periodic(name="intelligence.briefs", task=briefs_generate, every=timedelta(hours=1)))
