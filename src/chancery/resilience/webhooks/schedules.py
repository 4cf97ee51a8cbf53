"""Periodic job of webhooks: retries with backoff, and deliveries whose task a killed worker lost."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.resilience.webhooks.tasks import webhooks_retry

register(Periodic(name="webhooks.retry", task=webhooks_retry, every=timedelta(minutes=1)))
