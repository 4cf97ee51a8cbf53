"""Who sees and handles security alerts: the ministry's security officers (headquarters), and the system."""

from __future__ import annotations

from chancery.missions.enums import HEADQUARTERS_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor


def _headquarters_security(actor: Actor) -> bool:
    return actor.role == "security_officer" and actor.organisation_kind in HEADQUARTERS_KINDS


@access.rule("monitoring.view", scope="read")
def can_view_alerts(actor: Actor, obj: object | None = None) -> bool:
    """Security officers of the ministry or its departments (alerts span every unit) and the system."""
    return actor.is_system or _headquarters_security(actor)


@access.rule("monitoring.manage", scope="write")
def can_handle_alerts(actor: Actor, obj: object | None = None) -> bool:
    """The same officers acknowledge and close alerts; the system actor runs the detectors."""
    return actor.is_system or _headquarters_security(actor)
