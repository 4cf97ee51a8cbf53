"""Who may read and export the audit trail.

Administrators and security officers only. At headquarters (the ministry or one of its departments)
they see every event; a security officer posted to a mission (or belonging to an external stakeholder)
sees only the events of people of their own organisation. Everyone else sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chancery.identity.enums import Role
from chancery.missions.enums import OrganisationKind
from chancery.platform import access
from chancery.platform.actor import Actor

AUDIT_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_OFFICER})
HEADQUARTERS_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.DEPARTMENT})


def _sees_everything(actor: Actor) -> bool:
    return actor.role == Role.ADMINISTRATOR or actor.organisation_kind in HEADQUARTERS_KINDS


@access.rule("audit.view", scope="read")
def can_view(actor: Actor, _obj: object | None) -> bool:
    """Administrators and security officers open the audit log."""
    return actor.role in AUDIT_ROLES


@access.rule("audit.export", scope="read")
def can_export(actor: Actor, _obj: object | None) -> bool:
    """Administrators and security officers export what they may see as CSV."""
    return actor.role in AUDIT_ROLES


@access.rule("audit.ship", scope="admin")
def can_ship(actor: Actor, _obj: object | None) -> bool:
    """Only the system (the periodic job) drains the shipping outbox to the collector."""
    return actor.is_system


def _scoped(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if actor.role not in AUDIT_ROLES:
        return queryset.none()
    if _sees_everything(actor):
        return queryset
    if actor.organisation_id is None:
        return queryset.none()
    return queryset.filter(actor_organisation_id=actor.organisation_id)


@access.visibility("audit.view")
def visible_events(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Everything at headquarters and for administrators; a mission's own people's events otherwise."""
    return _scoped(actor, queryset)


@access.visibility("audit.export")
def exportable_events(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same events the actor may view."""
    return _scoped(actor, queryset)
