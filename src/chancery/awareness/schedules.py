"""Awareness's scheduled jobs (enqueued by ``chancery worker`` when due)."""

from __future__ import annotations

from datetime import timedelta

from chancery.awareness.tasks import launch_due_drills, poll_reporting_mailbox, send_course_reminders
from chancery.platform.schedule import Periodic, register

register(Periodic(name="awareness.drills", task=launch_due_drills, every=timedelta(minutes=5)))
register(Periodic(name="awareness.mailbox", task=poll_reporting_mailbox, every=timedelta(minutes=5)))
register(Periodic(name="awareness.course_reminders", task=send_course_reminders, every=timedelta(hours=1)))
