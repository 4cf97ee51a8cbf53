"""Background work of the agreements workspace."""

from __future__ import annotations

from django.tasks import task

from chancery.agreements.obligations import obligation_reminders_send


@task()
def send_obligation_reminders() -> int:
    """Remind owners of obligations whose reminder date has come; return how many were sent."""
    return obligation_reminders_send()
