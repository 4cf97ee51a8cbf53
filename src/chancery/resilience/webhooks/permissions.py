"""Who manages webhooks: the ministry's administrators (and the system actor, which delivers them)."""

from __future__ import annotations

from chancery.platform import access
from chancery.platform.actor import Actor


@access.rule("webhooks.manage", scope="admin")
def can_manage_webhooks(actor: Actor, obj: object | None = None) -> bool:
    """Administrators of the ministry create, rotate, deactivate and replay; the system delivers."""
    return actor.is_system or (actor.role == "administrator" and actor.organisation_kind == "ministry")
