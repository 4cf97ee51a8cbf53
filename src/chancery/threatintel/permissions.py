"""Who reads, adds to and manages threat-intelligence collections.

Reading (``threatintel.view``, hidden on refusal)
    Internal administrators, security officers and analysts read every collection. A partner's user
    (the ``partner`` role, or a member of a partner ministry or international organisation) reads a
    collection only when its organisation is a member with read access; any other collection looks
    missing (TAXII answers 404). Partners never receive TLP:RED objects (see the selectors).

Adding objects (``threatintel.add``, write scope)
    Internal administrators and security officers, and partners whose membership allows writing.

Managing (``threatintel.manage``, admin scope)
    Internal administrators and security officers create collections, set their members, import
    bundles, and configure the partner feeds Chancery pulls from.

The system actor (scheduled pulls) may read and add everywhere.
"""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.threatintel.enums import MANAGER_ROLES, SHARED_ROLES
from chancery.threatintel.models import Collection, Membership


def is_partner(actor: Actor) -> bool:
    """True for a partner's user: the ``partner`` role or a member of an external organisation."""
    return actor.is_external or actor.organisation_kind in EXTERNAL_KINDS


def _internal_in(actor: Actor, roles: frozenset[str]) -> bool:
    return actor.user_id is not None and not is_partner(actor) and actor.role in roles


def _membership(actor: Actor, collection: Collection) -> Membership | None:
    if actor.organisation_id is None:
        return None
    return Membership.objects.filter(collection=collection, organisation_id=actor.organisation_id).first()


@access.rule("threatintel.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, collection: Collection | None) -> bool:
    """Internal readers see all collections; partners only those their organisation may read."""
    if actor.is_system or _internal_in(actor, SHARED_ROLES):
        return True
    if collection is None or not is_partner(actor) or actor.user_id is None:
        return False
    membership = _membership(actor, collection)
    return membership is not None and membership.can_read


@access.visibility("threatintel.view")
def visible_collections(actor: Actor, queryset: QuerySet[Collection]) -> QuerySet[Collection]:
    """Every collection for internal readers; a partner's readable memberships; nothing for others."""
    if actor.is_system or _internal_in(actor, SHARED_ROLES):
        return queryset
    if not is_partner(actor) or actor.organisation_id is None or actor.user_id is None:
        return queryset.none()
    return queryset.filter(memberships__organisation_id=actor.organisation_id, memberships__can_read=True)


@access.rule("threatintel.add", scope="write")
def can_add(actor: Actor, collection: Collection | None) -> bool:
    """Managers add to any collection; partners to collections their membership lets them write."""
    if actor.is_system or _internal_in(actor, MANAGER_ROLES):
        return True
    if collection is None or not is_partner(actor) or actor.user_id is None:
        return False
    membership = _membership(actor, collection)
    return membership is not None and membership.can_write


@access.rule("threatintel.manage", scope="admin")
def can_manage(actor: Actor, _obj: object | None) -> bool:
    """Internal administrators and security officers manage collections, members and feeds."""
    return actor.is_system or _internal_in(actor, MANAGER_ROLES)
