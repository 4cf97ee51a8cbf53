"""The scheduler loop that runs beside the task worker in ``chancery worker``."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from chancery.platform.actor import Actor
from chancery.platform.schedule.services import schedule_tick

logger = logging.getLogger(__name__)


def scheduler_start(*, interval: float, stop: threading.Event) -> threading.Thread:
    """Start a daemon thread that calls :func:`schedule_tick` every ``interval`` seconds until ``stop`` is set.

    A failing tick is logged and retried on the next one; the worker keeps running.
    """
    actor = Actor.system(purpose="scheduler")

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                schedule_tick(actor=actor)
            except Exception:  # one bad tick (database away, a task's import error) must not end the loop
                logger.exception("scheduler tick failed")
            stop.wait(interval)
        connection.close()

    thread = threading.Thread(target=loop, name="chancery-scheduler", daemon=True)
    thread.start()
    return thread
