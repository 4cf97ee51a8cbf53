"""Periodic job of security monitoring: the detectors run every five minutes over the last hour."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.resilience.monitoring.tasks import run_detectors

register(Periodic(name="monitoring.detect", task=run_detectors, every=timedelta(minutes=5)))
