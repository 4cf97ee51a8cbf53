"""Who may run the scheduler: the worker, acting as the system."""

from __future__ import annotations

from chancery.platform import access
from chancery.platform.actor import Actor


@access.rule("schedule.run", scope="admin")
def can_run_schedule(actor: Actor, obj: object | None = None) -> bool:
    """Only scheduled work (the system actor) enqueues periodic jobs."""
    return actor.is_system
