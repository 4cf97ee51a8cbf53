"""Who may read intelligence, administer its sources, keep watchlists and read a desk's brief.

Intelligence is open-source material marked INTERNAL (TLP:AMBER if shared); it is for the ministry's own staff.

Reading (``intelligence.view``)
    Any signed-in user of an internal unit (the ministry, a department or a mission) cleared at least
    INTERNAL. Partners (partner ministries, international organisations) never.

Administering (``intelligence.administer``, token scope ``intelligence:admin``)
    Administrators and analysts of an internal unit: add, change, poll and disable sources; ingest batches;
    re-enrich stored items.

Watchlists (``intelligence.watch``, hidden on refusal)
    Private to their owner: only the owner reads, changes or deletes a watchlist and sees its alerts. Any reader
    may create their own (with no object the rule asks just that).

Daily brief (``intelligence.view_brief``, hidden on refusal; the object is the desk's organisation id)
    Members of the desk, plus administrators and analysts (who brief every desk).
"""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.intelligence.models import Alert, Item, Watchlist
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification

ADMIN_ROLES = frozenset({"administrator", "analyst"})


def is_reader(actor: Actor) -> bool:
    """True for a signed-in user of an internal unit cleared at least INTERNAL, or the system actor."""
    if actor.is_system:
        return True
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and not actor.is_external
        and actor.organisation_kind not in EXTERNAL_KINDS
        and actor.cleared_for(Classification.INTERNAL)
    )


@access.rule("intelligence.view", scope="read")
def can_view(actor: Actor, obj: object | None) -> bool:
    """Internal readers (see the module docstring)."""
    return is_reader(actor)


@access.visibility("intelligence.view")
def visible_items(actor: Actor, queryset: QuerySet[Item]) -> QuerySet[Item]:
    """Every item for a reader, none for anyone else."""
    return queryset if is_reader(actor) else queryset.none()


@access.rule("intelligence.administer", scope="admin")
def can_administer(actor: Actor, obj: object | None) -> bool:
    """Administrators and analysts of an internal unit, and the system actor (scheduled polling)."""
    return actor.is_system or (is_reader(actor) and actor.role in ADMIN_ROLES)


@access.rule("intelligence.watch", scope="write", hide_on_deny=True)
def can_watch(actor: Actor, watchlist: Watchlist | None) -> bool:
    """Any reader may keep watchlists; a given watchlist only its owner."""
    if not is_reader(actor) or actor.user_id is None:
        return False
    return watchlist is None or watchlist.owner_id == actor.user_id


@access.visibility("intelligence.watch")
def visible_watchlists(actor: Actor, queryset: QuerySet[Watchlist]) -> QuerySet[Watchlist]:
    """The actor's own watchlists."""
    if not is_reader(actor) or actor.user_id is None:
        return queryset.none()
    return queryset.filter(owner_id=actor.user_id)


@access.visibility("intelligence.alerts")
def visible_alerts(actor: Actor, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Spike alerts (every reader) and the actor's own watchlist alerts."""
    from django.db.models import Q

    if not is_reader(actor) or actor.user_id is None:
        return queryset.none()
    return queryset.filter(Q(kind="spike") | Q(owner_id=actor.user_id))


@access.rule("intelligence.alerts", scope="read")
def can_see_alerts(actor: Actor, alert: Alert | None) -> bool:
    """Readers see spike alerts and their own watchlist alerts."""
    if not is_reader(actor) or actor.user_id is None:
        return False
    return alert is None or alert.kind == "spike" or alert.owner_id == actor.user_id


@access.rule("intelligence.view_brief", scope="read", hide_on_deny=True)
def can_view_brief(actor: Actor, unit_id: int | None) -> bool:
    """Members of the desk, administrators and analysts."""
    if not is_reader(actor):
        return False
    return unit_id is None or actor.role in ADMIN_ROLES or actor.is_system or actor.organisation_id == unit_id


@access.rule("intelligence.define_initiative", scope="admin")
def can_define_initiative(actor: Actor, obj: object | None) -> bool:
    """Administrators and analysts of an internal unit define and change initiative trackers; readers read them."""
    return actor.is_system or (is_reader(actor) and actor.role in ADMIN_ROLES)
