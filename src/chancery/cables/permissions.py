"""Who may draft, clear, release, read and acknowledge cables.

There is no head-of-post or director role in Chancery, so the rules use the existing roles:

Drafting (``cables.draft``) and editing (``cables.edit``)
    Desk officers, mission officers and analysts (``DRAFTER_ROLES``) of an internal unit (the ministry, a
    department or a mission) draft cables from the unit they belong to, at a classification their clearance
    reaches. Only the drafter edits or submits a draft, and only while it is a draft or returned.

Clearing (``cables.clear``)
    While the cable is in clearance, a user in ``DRAFTER_ROLES`` who belongs to one of the listed clearing
    offices whose clearance is still pending clears it or returns it with a comment.

Approving and releasing (``cables.release``)
    A user whose role is listed in ``CABLE_APPROVER_ROLES`` (default: ``administrator``, standing in for
    the head of post or director) and who belongs to the originating unit or to the unit directly above it
    (the ministry, for its departments and missions) releases a cleared cable within their clearance;
    never the drafter (four eyes).

Compartments
    A cable may carry compartments (``missions.Compartment`` codes). Every rule below that says "cleared
    for the cable" also means "holds every one of its compartments": a reader, clearer, approver or
    acknowledging officer who lacks one is treated as not cleared (and reading is hidden, as for a
    classification above the reader's clearance). A drafter marks a cable only with compartments they hold.

Reading (``cables.view``, hidden on refusal)
    Always: the reader's clearance reaches the cable's classification, the reader holds every compartment
    of the cable, and the reader is internal. Then
    need-to-know: the drafter; members of the originating unit; members of a clearing office once the
    cable left draft; approvers of the unit above the originator once it left draft; members of an
    addressee once it is released.

Acknowledging (``cables.acknowledge``)
    A member of an action addressee whose copy is not yet acknowledged, cleared for the cable.

Release notices to partners (``cables.release_notice``)
    Only for partner webhooks (the actor is ``resilience.webhooks.partner.partner_actor``): an external
    organisation is told that a released cable exists (reference and markings, never its text) when the
    cable is marked no higher than the partner may ever see and carries no compartment, and one of its
    addressees is a mission in that partner's country (the unit that faces it). Partners never read cables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from chancery.cables.enums import (
    DRAFTER_ROLES,
    EDITABLE_STATES,
    SENT_STATES,
    AddresseeKind,
    CableState,
    ClearanceStatus,
)
from chancery.cables.models import Cable
from chancery.missions.enums import EXTERNAL_KINDS, MISSION_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.markings import may_read_marking


@dataclass(frozen=True, slots=True)
class CableDraft:
    """What ``cables.draft`` decides on: the classification and the compartments asked for."""

    classification: int
    compartments: frozenset[str] = frozenset()


def cable_compartments(cable: Cable) -> frozenset[str]:
    """Return the codes of the cable's compartments (one query unless prefetched)."""
    return frozenset(compartment.code for compartment in cable.compartments.all())


def cleared_for_cable(actor: Actor, cable: Cable) -> bool:
    """True when the actor's clearance reaches the cable's classification and it holds every compartment."""
    return may_read_marking(actor, classification=cable.classification, compartments=cable_compartments(cable))


def is_internal(actor: Actor) -> bool:
    """True for a signed-in user of an internal unit (not a partner)."""
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and not actor.is_external
        and actor.organisation_kind not in EXTERNAL_KINDS
    )


def is_approver(actor: Actor) -> bool:
    """True when the actor's role approves cables (``CABLE_APPROVER_ROLES``)."""
    return is_internal(actor) and actor.role in settings.CABLE_APPROVER_ROLES


@access.rule("cables.draft", scope="write")
def can_draft(actor: Actor, draft: CableDraft | None) -> bool:
    """Drafting roles of an internal unit, within their clearance."""
    if not is_internal(actor) or actor.role not in DRAFTER_ROLES:
        return False
    return draft is None or may_read_marking(
        actor, classification=draft.classification, compartments=draft.compartments
    )


@access.rule("cables.edit", scope="write")
def can_edit(actor: Actor, cable: Cable | None) -> bool:
    """The drafter, while the cable is a draft or returned, within their clearance."""
    if cable is None:
        return False
    return (
        is_internal(actor)
        and cable.drafter_id == actor.user_id
        and cable.state in EDITABLE_STATES
        and cleared_for_cable(actor, cable)
    )


@access.rule("cables.clear", scope="write")
def can_clear(actor: Actor, cable: Cable | None) -> bool:
    """Drafting roles of a clearing office whose decision is pending, cleared for the cable."""
    if cable is None or cable.state != CableState.IN_CLEARANCE:
        return False
    if not is_internal(actor) or actor.role not in DRAFTER_ROLES or not cleared_for_cable(actor, cable):
        return False
    return cable.clearances.filter(office_id=actor.organisation_id, status=ClearanceStatus.PENDING).exists()


@access.rule("cables.release", scope="write")
def can_release(actor: Actor, cable: Cable | None) -> bool:
    """An approver of the originating unit, not the drafter, cleared for the cable, once it is cleared."""
    if cable is None:
        return False
    return (
        is_approver(actor)
        and cable.state == CableState.CLEARED
        and actor.organisation_id in {cable.originator_id, cable.originator.parent_id}
        and cable.drafter_id != actor.user_id
        and cleared_for_cable(actor, cable)
    )


@access.rule("cables.acknowledge", scope="write")
def can_acknowledge(actor: Actor, cable: Cable | None) -> bool:
    """A member of an action addressee whose copy awaits acknowledgement, cleared for the cable."""
    if cable is None or cable.state not in SENT_STATES:
        return False
    if not is_internal(actor) or actor.organisation_id is None or not cleared_for_cable(actor, cable):
        return False
    return cable.deliveries.filter(
        organisation_id=actor.organisation_id,
        kind=AddresseeKind.ACTION,
        acknowledged_at__isnull=True,
    ).exists()


@access.rule("cables.release_notice", scope="read")
def can_be_told_of_release(actor: Actor, cable: Cable | None) -> bool:
    """An external organisation, for a released cable it may know of, sent to a mission in its country."""
    if cable is None or cable.state not in SENT_STATES or actor.organisation_id is None:
        return False
    if actor.organisation_kind not in EXTERNAL_KINDS or not cleared_for_cable(actor, cable):
        return False
    return partner_facing_addressees(actor, cable).exists()


def partner_facing_addressees(actor: Actor, cable: Cable) -> QuerySet[Any]:
    """Return the cable's addressees that are missions in the country of the actor's organisation."""
    organisations: Any = Cable._meta.get_field("originator").related_model._default_manager
    country = organisations.filter(pk=actor.organisation_id).exclude(country_code="").values("country_code")
    return cable.addressees.filter(
        organisation__kind__in=sorted(MISSION_KINDS), organisation__country_code__in=country
    ).select_related("organisation")


def _need_to_know(actor: Actor) -> Q:
    sent = sorted(SENT_STATES)
    need = (
        Q(drafter_id=actor.user_id)
        | Q(originator_id=actor.organisation_id)
        | (Q(clearances__office_id=actor.organisation_id) & ~Q(state=CableState.DRAFT))
        | (Q(addressees__organisation_id=actor.organisation_id) & Q(state__in=sent))
    )
    if is_approver(actor):
        need |= Q(originator__parent_id=actor.organisation_id) & ~Q(state=CableState.DRAFT)
    return need


@access.rule("cables.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, cable: Cable | None) -> bool:
    """Internal, cleared for the classification, and a need to know (see the module docstring)."""
    if not is_internal(actor):
        return False
    if cable is None:
        return True
    if not cleared_for_cable(actor, cable):
        return False
    return Cable.objects.filter(pk=cable.pk).filter(_need_to_know(actor)).exists()


@access.visibility("cables.view")
def visible_cables(actor: Actor, queryset: QuerySet[Cable]) -> QuerySet[Cable]:
    """The cables ``can_view`` allows, as one filter."""
    if not is_internal(actor):
        return queryset.none()
    links = Cable.compartments.through.objects.filter(cable_id=OuterRef("pk"))
    lacks_a_compartment = Exists(links.exclude(compartment__code__in=sorted(actor.compartments)))
    matching = (
        Cable.objects.filter(classification__lte=actor.clearance)
        .exclude(lacks_a_compartment)
        .filter(_need_to_know(actor))
    )
    return queryset.filter(pk__in=matching.values("pk"))
