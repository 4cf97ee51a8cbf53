"""Who may read, post in, create, manage, hold and export chat channels.

Chat is for the ministry's own staff: partners' users (the ``partner`` role or members of a partner
ministry or international organisation) are refused everything. Every rule also needs the actor's
clearance to reach the channel's ceiling, so a member whose clearance is below it does not see it.

Reading and posting (``chat.view`` hidden on refusal, ``chat.post``)
    Unit and mission channels: every internal member of the channel's organisation. Topic channels and
    direct messages: their listed members.

Creating (``chat.create``)
    Internal users create topic channels and start direct messages, and open a channel for their own
    unit or mission, at a ceiling their clearance reaches.

Managing (``chat.manage``: members of topic channels, retention)
    Whoever may read the channel and is its creator, a listed channel admin, an ``administrator`` of the
    unit of a unit or mission channel, or either party of a direct conversation.

Legal hold (``chat.legal_hold``, admin scope)
    Security officers at headquarters or of the channel's home unit, cleared for the ceiling.

Export (``chat.export``, admin scope)
    The same security officers, and the channel's managers (``chat.manage``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from chancery.chat.enums import ORGANISATION_KINDS, ChannelKind
from chancery.chat.models import Channel, Membership
from chancery.missions.enums import EXTERNAL_KINDS, HEADQUARTERS_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor

SECURITY_ROLES = frozenset({"security_officer"})


@dataclass(frozen=True, slots=True)
class ChannelDraft:
    """What ``chat.create`` decides on: the kind, home unit and ceiling asked for."""

    kind: str
    organisation_id: int | None
    ceiling: int


def is_internal(actor: Actor) -> bool:
    """True for a signed-in user of an internal unit (not a partner, not the system)."""
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and not actor.is_external
        and actor.organisation_kind not in EXTERNAL_KINDS
    )


def _member_q(actor: Actor) -> Q:
    return (Q(kind__in=sorted(ORGANISATION_KINDS)) & Q(organisation_id=actor.organisation_id)) | Q(
        members__user_id=actor.user_id
    )


def is_member(actor: Actor, channel: Channel) -> bool:
    """True when the actor belongs to the channel (derived or listed), cleared for its ceiling."""
    if not is_internal(actor) or not actor.cleared_for(channel.ceiling):
        return False
    if channel.kind in ORGANISATION_KINDS:
        return channel.organisation_id == actor.organisation_id
    return Membership.objects.filter(channel_id=channel.pk, user_id=actor.user_id or 0).exists()


@access.rule("chat.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, channel: Channel | None) -> bool:
    """Members of the channel cleared for its ceiling (``None``: may the actor use chat at all)."""
    if channel is None:
        return is_internal(actor)
    return is_member(actor, channel)


@access.visibility("chat.view")
def visible_channels(actor: Actor, queryset: QuerySet[Channel]) -> QuerySet[Channel]:
    """The channels ``can_view`` allows, as one filter."""
    if not is_internal(actor):
        return queryset.none()
    matching = Channel.objects.filter(ceiling__lte=actor.clearance).filter(_member_q(actor))
    return queryset.filter(pk__in=matching.values("pk"))


@access.rule("chat.post", scope="write")
def can_post(actor: Actor, channel: Channel | None) -> bool:
    """Members of the channel (the message's marking is checked against the ceiling by the service)."""
    if channel is None:
        return is_internal(actor)
    return is_member(actor, channel)


@access.rule("chat.create", scope="write")
def can_create(actor: Actor, draft: ChannelDraft | None) -> bool:
    """Internal users, within their clearance; unit and mission channels only for their own unit."""
    if not is_internal(actor):
        return False
    if draft is None:
        return True
    if not actor.cleared_for(draft.ceiling):
        return False
    if draft.kind in ORGANISATION_KINDS:
        return draft.organisation_id == actor.organisation_id
    return True


@access.rule("chat.manage", scope="write")
def can_manage(actor: Actor, channel: Channel | None) -> bool:
    """The creator, listed admins, the unit's administrators (unit/mission channels), DM parties."""
    if channel is None or not is_member(actor, channel):
        return False
    if channel.created_by_id == actor.user_id or channel.kind == ChannelKind.DIRECT:
        return True
    if channel.kind in ORGANISATION_KINDS:
        return actor.role == "administrator"
    return Membership.objects.filter(channel_id=channel.pk, user_id=actor.user_id or 0, is_admin=True).exists()


def _security_officer_for(actor: Actor, channel: Channel | None) -> bool:
    if not is_internal(actor) or actor.role not in SECURITY_ROLES:
        return False
    if channel is None:
        return True
    if not actor.cleared_for(channel.ceiling):
        return False
    return actor.organisation_kind in HEADQUARTERS_KINDS or actor.organisation_id == channel.organisation_id


@access.rule("chat.legal_hold", scope="admin")
def can_hold(actor: Actor, channel: Channel | None) -> bool:
    """Security officers at headquarters or of the channel's home unit, cleared for the ceiling."""
    return _security_officer_for(actor, channel)


@access.rule("chat.export", scope="admin")
def can_export(actor: Actor, channel: Channel | None) -> bool:
    """Those security officers, and the channel's managers."""
    if channel is None:
        return _security_officer_for(actor, None) or is_internal(actor)
    return _security_officer_for(actor, channel) or can_manage(actor, channel)


def overseen_channels(actor: Actor, queryset: QuerySet[Channel]) -> QuerySet[Channel]:
    """The channels whose legal hold and export the actor governs as a security officer (one filter)."""
    if not _security_officer_for(actor, None):
        return queryset.none()
    scoped = queryset.filter(ceiling__lte=actor.clearance)
    if actor.organisation_kind in HEADQUARTERS_KINDS:
        return scoped
    return scoped.filter(organisation_id=actor.organisation_id or 0)
