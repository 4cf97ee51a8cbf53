"""Who may take backups: administrators and the scheduled job."""

from __future__ import annotations

from chancery.platform import access
from chancery.platform.actor import Actor


@access.rule("resilience.backup", scope="admin")
def can_back_up(actor: Actor, obj: object | None = None) -> bool:
    """The system actor (the schedule, the command line) and the ministry's administrators."""
    return actor.is_system or (actor.role == "administrator" and actor.organisation_kind == "ministry")
