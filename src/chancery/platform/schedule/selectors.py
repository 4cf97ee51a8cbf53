"""Reading the schedule: each registered job with when it last ran and when it is next due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.schedule.models import ScheduledRun
from chancery.platform.schedule.registry import periodics


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One registered job as the ``chancery schedule`` listing shows it."""

    name: str
    task: str
    every: timedelta
    last_enqueued_at: datetime | None
    next_due_at: datetime | None


def schedule_list(*, actor: Actor) -> list[ScheduleRow]:
    """Return every registered job with its last enqueueing and next due time (None: due now).

    Needs ``schedule.run`` (the system actor; the command-line listing acts as the system).
    """
    access.require(actor, "schedule.run")
    last = dict(ScheduledRun.objects.values_list("name", "last_enqueued_at"))
    rows = []
    for job in periodics():
        previous = last.get(job.name)
        rows.append(
            ScheduleRow(
                name=job.name,
                task=job.task.module_path,
                every=job.every,
                last_enqueued_at=previous,
                next_due_at=previous + job.every if previous is not None else None,
            )
        )
    return rows
