"""Periodic jobs of the risk app: the models retrain and the drafts refresh once a day."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.risk.tasks import forecast_refresh

register(Periodic(name="risk.forecast_refresh", task=forecast_refresh, every=timedelta(days=1)))
