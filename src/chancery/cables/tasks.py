"""Background work of cables: escalating unacknowledged urgent traffic."""

from __future__ import annotations

from django.tasks import task

from chancery.cables.services import cable_escalate_overdue
from chancery.platform.actor import Actor


@task()
def escalate_overdue() -> int:
    """Alert the rosters of posts that have not acknowledged FLASH / NIACT IMMEDIATE cables in time."""
    return cable_escalate_overdue(actor=Actor.system(purpose="cables.escalate"))
