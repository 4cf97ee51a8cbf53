"""``chancery manage agreements_remind``: send the reminders that have come due (for cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chancery.agreements.obligations import obligation_reminders_send


class Command(BaseCommand):
    """Remind owners of obligations whose reminder date has come; idempotent."""

    help = "Send the obligation reminders that have come due."

    def handle(self, *args: Any, **options: Any) -> None:
        """Send the reminders and print how many went out."""
        self.stdout.write(f"{obligation_reminders_send()} reminder(s) sent")
