"""Periodic jobs of the agreements workspace, enqueued by ``chancery worker`` when due.

``agreements.obligation_reminders``: remind owners of obligations whose reminder date has come. The
service is idempotent (one reminder per owner and due date), so running it hourly only makes reminders
arrive soon after midnight; it acts as the system actor.
"""

from __future__ import annotations

from datetime import timedelta

from chancery.agreements.tasks import send_obligation_reminders
from chancery.platform.schedule import Periodic, register

REMINDERS_EVERY = timedelta(hours=1)

register(Periodic(name="agreements.obligation_reminders", task=send_obligation_reminders, every=REMINDERS_EVERY))
