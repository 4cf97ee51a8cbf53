"""Awareness's scheduled jobs (enqueued by ``chancery worker`` when due)."""

from __future__ import annotations

from datetime import timedelta

from chancery.awareness.tasks import launch_due_drills
from chancery.platform.schedule import Periodic, register

register(Periodic(name="awareness.drills", task=launch_due_drills, every=timedelta(minutes=5)))
