"""Periodic jobs of the transparency log."""

from __future__ import annotations

from datetime import timedelta

from chancery.platform.schedule import Periodic, register
from chancery.transparency.tasks import publish_checkpoint

# Appends schedule a checkpoint on commit; this catches any whose task was lost (a worker killed mid-way).
register(Periodic(name="transparency.checkpoint", task=publish_checkpoint, every=timedelta(minutes=5)))
