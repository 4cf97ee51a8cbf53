"""Enqueueing the periodic jobs that are due."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.schedule.models import ScheduledRun
from chancery.platform.schedule.registry import Periodic, periodics

logger = logging.getLogger(__name__)


def _due(run: ScheduledRun, job: Periodic, now: datetime) -> bool:
    return run.last_enqueued_at is None or now - run.last_enqueued_at >= job.every


def schedule_tick(*, actor: Actor, now: datetime | None = None) -> list[str]:
    """Enqueue every registered job that is due at ``now``; return the names enqueued.

    Needs the system actor (``schedule.run``). A job is due when it was never enqueued or its interval
    has passed since it last was. Each job is decided in its own transaction under a row lock, and the
    database task backend writes the task in that same transaction, so two workers ticking at once
    enqueue a due job once, and a job whose enqueueing fails stays due for the next tick.
    """
    access.require(actor, "schedule.run")
    moment = now or timezone.now()
    enqueued: list[str] = []
    for job in periodics():
        ScheduledRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            run = ScheduledRun.objects.select_for_update().get(name=job.name)
            if not _due(run, job, moment):
                continue
            result = job.task.enqueue()
            run.last_enqueued_at = moment
            run.last_task_id = str(result.id)[:64]
            run.save(update_fields=["last_enqueued_at", "last_task_id"])
        logger.info("scheduled job enqueued", extra={"job": job.name})
        enqueued.append(job.name)
    return enqueued
