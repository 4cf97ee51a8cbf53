"""Who may see and change agreements.

Seeing an agreement (``agreements.view``, hidden on refusal)
    Internal users whose clearance reaches the agreement's classification see it; above INTERNAL only
    the members of its lead department do (need-to-know). Partner users (role ``partner`` or members
    of a partner ministry or international organisation) see only agreements their state (the
    partner ministry's country) or their international organisation (``eu``, ``io-asean-secretariat``
    stand for EU and ASEAN) is party to, and never above INTERNAL.

Creating an agreement (``agreements.create``)
    Internal treaty officers, and the system actor (the demo seed).

Negotiating positions (``agreements.view_position``)
    Internal only, within clearance; above INTERNAL only the lead department. Comments
    (``agreements.view_comment``): internal users see all; a partner sees only its own organisation's.

Changing an agreement (``agreements.manage``: parties, events)
    Treaty officers of the agreement's lead department (any headquarters treaty officer while no lead
    department is set) whose clearance reaches its classification; the system actor. Partners never.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from chancery.agreements.enums import CommentSide
from chancery.agreements.models import Agreement, NegotiationComment, Obligation, Party, Position
from chancery.missions import selectors as missions_selectors
from chancery.missions.enums import HEADQUARTERS_KINDS, PARTNER_MAX_CLASSIFICATION, OrganisationKind
from chancery.missions.permissions import is_external
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification

TREATY_ROLE = "treaty_officer"


def organisation_party_code(code: str) -> str:
    """Return the party code an international organisation's directory code stands for.

    ``eu`` stands for ``EU`` and ``io-asean-secretariat`` for ``ASEAN``: the ``io-`` prefix is dropped
    and the first word kept.
    """
    return code.lower().removeprefix("io-").split("-", 1)[0].upper()


def partner_codes(actor: Actor) -> tuple[str, str]:
    """Return the (country code, organisation code) a partner's organisation stands for ("" when none).

    A partner ministry stands for its state (its country code); an international organisation for
    itself (never for the state that hosts its seat).
    """
    if actor.organisation_id is None:
        return "", ""
    row = (
        missions_selectors.organisation_list(actor=actor)
        .filter(pk=actor.organisation_id)
        .values_list("country_code", "code", "kind")
        .first()
    )
    if row is None:
        return "", ""
    country, code, kind = row
    if kind == OrganisationKind.PARTNER_MINISTRY:
        return country.upper(), ""
    if kind == OrganisationKind.INTERNATIONAL_ORGANISATION:
        return "", organisation_party_code(code)
    return "", ""


def _party_filter(country: str, organisation: str) -> Q:
    match = Q(pk__in=[])
    if country:
        match |= Q(country_code=country)
    if organisation:
        match |= Q(organisation_code=organisation)
    return match


def is_party(actor: Actor, agreement: Agreement) -> bool:
    """True when the partner's state or organisation is party to ``agreement``."""
    country, organisation = partner_codes(actor)
    return agreement.parties.filter(_party_filter(country, organisation)).exists()


@access.rule("agreements.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, agreement: Agreement | None) -> bool:
    """Clearance, then need-to-know above INTERNAL (internal) or being party to it (partners)."""
    if agreement is None:
        return True
    if not actor.cleared_for(agreement.classification):
        return False
    if is_external(actor):
        return agreement.classification <= PARTNER_MAX_CLASSIFICATION and is_party(actor, agreement)
    if actor.is_system or agreement.classification <= Classification.INTERNAL:
        return True
    return agreement.lead_department_id is not None and agreement.lead_department_id == actor.organisation_id


@access.visibility("agreements.view")
def visible_agreements(actor: Actor, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """The agreements ``can_view`` allows, as one filter."""
    cleared = queryset.filter(classification__lte=actor.clearance)
    if is_external(actor):
        country, organisation = partner_codes(actor)
        party = Party.objects.filter(_party_filter(country, organisation), agreement_id=OuterRef("pk"))
        return cleared.filter(Exists(party), classification__lte=PARTNER_MAX_CLASSIFICATION)
    if actor.is_system:
        return cleared
    own = Q(lead_department_id=actor.organisation_id) if actor.organisation_id is not None else Q(pk__in=[])
    return cleared.filter(Q(classification__lte=Classification.INTERNAL) | own)


def _is_treaty_officer(actor: Actor) -> bool:
    return not is_external(actor) and actor.role == TREATY_ROLE


@access.rule("agreements.create", scope="write")
def can_create(actor: Actor, _obj: object | None) -> bool:
    """Internal treaty officers and the system actor register agreements."""
    return actor.is_system or _is_treaty_officer(actor)


@access.rule("agreements.manage", scope="write")
def can_manage(actor: Actor, agreement: Agreement | None) -> bool:
    """The lead department's treaty officers (cleared for it) and the system actor record parties and events."""
    if actor.is_system:
        return True
    if not _is_treaty_officer(actor):
        return False
    if agreement is None:
        return True
    if not actor.cleared_for(agreement.classification):
        return False
    if agreement.lead_department_id is None:
        return actor.organisation_kind in HEADQUARTERS_KINDS
    return agreement.lead_department_id == actor.organisation_id


# --- Obligations (internal work: partners never see them) ---------------------------------------------


@access.rule("agreements.view_obligation", scope="read", hide_on_deny=True)
def can_view_obligation(actor: Actor, obligation: Obligation | None) -> bool:
    """Internal users who may see the obligation's agreement."""
    if is_external(actor):
        return False
    return obligation is None or can_view(actor, obligation.agreement)


@access.visibility("agreements.view_obligation")
def visible_obligations(actor: Actor, queryset: QuerySet[Obligation]) -> QuerySet[Obligation]:
    """The obligations ``can_view_obligation`` allows."""
    if is_external(actor):
        return queryset.none()
    agreements = visible_agreements(actor, Agreement.objects.all())
    return queryset.filter(agreement__in=agreements.values("pk"))


# --- Negotiation ----------------------------------------------------------------------------------------


@access.rule("agreements.view_position", scope="read", hide_on_deny=True)
def can_view_position(actor: Actor, position: Position | None) -> bool:
    """Internal users who see the agreement and are cleared; above INTERNAL its lead department only."""
    if is_external(actor):
        return False
    if position is None:
        return True
    if not actor.cleared_for(position.classification) or not can_view(actor, position.agreement):
        return False
    if actor.is_system or position.classification <= Classification.INTERNAL:
        return True
    return position.agreement.lead_department_id == actor.organisation_id


@access.visibility("agreements.view_position")
def visible_positions(actor: Actor, queryset: QuerySet[Position]) -> QuerySet[Position]:
    """The positions ``can_view_position`` allows."""
    if is_external(actor):
        return queryset.none()
    agreements = visible_agreements(actor, Agreement.objects.all())
    cleared = queryset.filter(classification__lte=actor.clearance, agreement__in=agreements.values("pk"))
    if actor.is_system:
        return cleared
    own = Q(agreement__lead_department_id=actor.organisation_id) if actor.organisation_id else Q(pk__in=[])
    return cleared.filter(Q(classification__lte=Classification.INTERNAL) | own)


@access.visibility("agreements.view_comment")
def visible_comments(actor: Actor, queryset: QuerySet[NegotiationComment]) -> QuerySet[NegotiationComment]:
    """Internal users see every comment; a partner sees only its own organisation's side."""
    agreements = visible_agreements(actor, Agreement.objects.all())
    queryset = queryset.filter(agreement__in=agreements.values("pk"))
    if is_external(actor):
        if actor.organisation_id is None:
            return queryset.none()
        return queryset.filter(side=CommentSide.PARTNER, organisation_id=actor.organisation_id)
    return queryset


@access.rule("agreements.view_comment", scope="read", hide_on_deny=True)
def can_view_comment(actor: Actor, comment: NegotiationComment | None) -> bool:
    """The single-object form of :func:`visible_comments`."""
    if comment is None:
        return True
    if is_external(actor):
        return comment.side == CommentSide.PARTNER and comment.organisation_id == actor.organisation_id
    return can_view(actor, comment.agreement)


@access.rule("agreements.comment", scope="write")
def can_comment(actor: Actor, agreement: Agreement | None) -> bool:
    """Anyone who sees the agreement comments (partners on their own side)."""
    return agreement is None or can_view(actor, agreement)
