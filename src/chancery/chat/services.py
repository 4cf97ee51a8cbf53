"""Writes on chat: channels, members, messages, read markers, retention settings and legal holds.

Every public service runs in one transaction, checks the policy engine, writes an audit event (markings
and counts only, never text) and publishes live events on commit (payloads without text).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.chat import sealing
from chancery.chat.content import attachment_count_error, body_errors, mentioned_usernames
from chancery.chat.enums import NAME_MAX, RETENTION_DAYS_MAX, ChannelKind
from chancery.chat.models import Channel, Membership, Message, ReadMarker
from chancery.chat.permissions import ChannelDraft, is_internal
from chancery.chat.selectors import channel_get, channel_key, member_ids
from chancery.missions.enums import MISSION_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish
from chancery.vault import selectors as vault_selectors

OBJECT_TYPE = "chat.channel"
REASON_MAX = 300


def _audit(actor: Actor, action: str, channel: Channel, **detail: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=channel.pk,
        classification=channel.ceiling,
        detail={"kind": channel.kind, **detail},
    )


def _locked(channel_id: int) -> Channel:
    channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(_("No such channel, or you are not a member of it."))
    return channel


def _user_id(actor: Actor) -> int:
    if actor.user_id is None or actor.organisation_id is None:  # the rules already refuse them
        raise PermissionDenied
    return actor.user_id


def _new_channel(actor: Actor, *, kind: str, name: str, ceiling: int, direct_key: str | None = None) -> Channel:
    creator = _user_id(actor)
    key = sealing.key_new()
    return Channel.objects.create(
        kind=kind,
        name=name,
        organisation_id=actor.organisation_id or 0,
        ceiling=ceiling,
        direct_key=direct_key,
        created_by_id=creator,
        key_id=key.key_id,
        kek_id=key.kek_id,
        wrapped_key=key.wrapped,
    )


def channel_create(*, actor: Actor, kind: str, name: str, ceiling: int) -> Channel:
    """Create a topic channel (the actor becomes its admin) or a channel of the actor's own unit or mission.

    ``kind`` is ``"topic"`` or ``"unit"`` (a unit channel at headquarters, a mission channel at a mission:
    its members are the unit's members cleared for the ceiling). Needs ``chat.create`` at ``ceiling``.
    Raises InvalidInput for a missing name, an unknown kind or ceiling. Emits ``chat.channel_created``.
    """
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_("Give the channel a name of at most %(n)d characters.") % {"n": NAME_MAX}]
    if kind not in {ChannelKind.TOPIC, ChannelKind.UNIT, ChannelKind.MISSION}:
        errors["kind"] = [_("Choose a topic channel or your unit's channel.")]
    if ceiling not in Classification.values:
        errors["ceiling"] = [_("Choose a classification ceiling.")]
    if errors:
        raise InvalidInput(_("The channel is incomplete or invalid."), errors=errors)
    if kind != ChannelKind.TOPIC:
        kind = ChannelKind.MISSION if actor.organisation_kind in MISSION_KINDS else ChannelKind.UNIT
    draft = ChannelDraft(kind=kind, organisation_id=actor.organisation_id, ceiling=ceiling)
    access.require(actor, "chat.create", draft)
    with transaction.atomic():
        channel = _new_channel(actor, kind=kind, name=name, ceiling=ceiling)
        if kind == ChannelKind.TOPIC:
            Membership.objects.create(channel=channel, user_id=_user_id(actor), is_admin=True)
        _audit(actor, "chat.channel_created", channel)
    return channel


def _internal_user(username: str, *, field: str, ceiling: int | None = None) -> Any:
    user = (
        get_user_model()
        .objects.select_related("organisation")
        .filter(username=username.strip(), is_active=True)
        .first()
    )
    if user is None or not is_internal(Actor.from_user(user)):
        raise InvalidInput(
            _("No colleague with that user name."), errors={field: [_("No colleague with that user name.")]}
        )
    if ceiling is not None and user.clearance < ceiling:
        message = _("%(user)s is not cleared for this channel's ceiling.") % {"user": user.get_username()}
        raise InvalidInput(message, errors={field: [message]})
    return user


def direct_open(*, actor: Actor, username: str) -> Channel:
    """Return the direct conversation between the actor and ``username``, creating it the first time.

    Needs ``chat.create``; the other person must be an active internal user. The ceiling is the lower
    of the two clearances. Raises InvalidInput for an unknown user or oneself. Emits
    ``chat.channel_created`` when it creates the conversation.
    """
    access.require(actor, "chat.create")
    other = _internal_user(username, field="username")
    other_id = int(other.pk)
    me = _user_id(actor)
    if other_id == me:
        raise InvalidInput(_("Choose someone else."), errors={"username": [_("Choose someone else.")]})
    pair = f"dm:{min(me, other_id)}:{max(me, other_id)}"
    with transaction.atomic():
        existing = Channel.objects.filter(direct_key=pair).first()
        if existing is not None:
            return existing
        lower = min(actor.clearance, int(other.clearance))
        ceiling = max((value for value in Classification.values if value <= lower), default=0)
        channel = _new_channel(actor, kind=ChannelKind.DIRECT, name="", ceiling=ceiling, direct_key=pair)
        Membership.objects.bulk_create(
            [Membership(channel=channel, user_id=me, is_admin=True), Membership(channel=channel, user_id=other_id)]
        )
        _audit(actor, "chat.channel_created", channel)
    return channel


def member_add(*, actor: Actor, channel_id: int, username: str, is_admin: bool = False) -> Membership:
    """Add a colleague to a topic channel (or make them an admin). Needs ``chat.manage``.

    Raises InvalidInput for an unknown user or one not cleared for the ceiling, Conflict for unit, mission
    and direct channels (their members are not listed by hand). Emits ``chat.member_added`` and a live
    ``chat.member_added`` event to the new member.
    """
    with transaction.atomic():
        channel = _locked(channel_id)
        access.require(actor, "chat.manage", channel)
        if channel.kind != ChannelKind.TOPIC:
            raise Conflict(_("Only topic channels have members added by hand."))
        user = _internal_user(username, field="username", ceiling=channel.ceiling)
        membership, _created = Membership.objects.update_or_create(
            channel=channel, user=user, defaults={"is_admin": is_admin}
        )
        _audit(actor, "chat.member_added", channel, member_id=membership.user_id, admin=is_admin)
        events_publish(user_ids=[membership.user_id], kind="chat.member_added", payload={"channel_id": channel.pk})
    return membership


def member_remove(*, actor: Actor, channel_id: int, user_id: int) -> None:
    """Remove a listed member from a topic channel (not its creator). Needs ``chat.manage``.

    Emits ``chat.member_removed``.
    """
    with transaction.atomic():
        channel = _locked(channel_id)
        access.require(actor, "chat.manage", channel)
        if channel.kind != ChannelKind.TOPIC:
            raise Conflict(_("Only topic channels have members removed by hand."))
        if user_id == channel.created_by_id:
            raise Conflict(_("The channel's creator cannot be removed."))
        deleted, _rows = Membership.objects.filter(channel_id=channel.pk, user_id=user_id).delete()
        if not deleted:
            raise NotFound(_("That person is not a listed member."))
        _audit(actor, "chat.member_removed", channel, member_id=user_id)


def _attachments(actor: Actor, channel: Channel, ids: list[int], errors: dict[str, list[str]]) -> None:
    too_many = attachment_count_error(ids)
    if too_many:
        errors.setdefault("attachments", []).append(too_many)
        return
    for document_id in ids:
        try:
            document = vault_selectors.document_get(actor=actor, document_id=document_id)
        except NotFound:
            errors.setdefault("attachments", []).append(
                _("Vault document %(id)d does not exist or you may not read it.") % {"id": document_id}
            )
            continue
        if document.disposed_at is not None:
            errors.setdefault("attachments", []).append(
                _("Vault document %(id)d was disposed of.") % {"id": document_id}
            )
        elif document.classification > channel.ceiling:
            errors.setdefault("attachments", []).append(
                _("Vault document %(id)d is marked above this channel's ceiling.") % {"id": document_id}
            )


def _mentioned(channel: Channel, text: str, *, author_id: int, members: list[int]) -> list[int]:
    names = mentioned_usernames(text)
    if not names:
        return []
    found = get_user_model().objects.filter(username__in=names, pk__in=members).exclude(pk=author_id)
    return sorted(int(pk) for pk in found.values_list("pk", flat=True))


def message_post(
    *, actor: Actor, channel_id: int, body: str, classification: int, attachment_ids: list[int] | None = None
) -> Message:
    """Post a message (safe Markdown subset, sealed at rest) in a channel the actor belongs to.

    Needs ``chat.post`` (a non-member gets NotFound). Raises InvalidInput, storing nothing, for an empty
    or oversized body, a marking above the channel's ceiling, or an attachment the actor may not read (or
    marked above the ceiling). On commit: a live ``chat.message`` event (ids and marking, no text) to the
    other members, and ``chat.mention`` plus ``notification`` events to members mentioned as ``@username``.
    Emits ``chat.message_posted`` (marking, attachment ids and mention count only).
    """
    ids = list(dict.fromkeys(int(i) for i in (attachment_ids or [])))
    with transaction.atomic():
        channel = channel_get(actor=actor, channel_id=channel_id)
        access.require(actor, "chat.post", channel)
        errors = body_errors(body=body, classification=classification, ceiling=channel.ceiling)
        _attachments(actor, channel, ids, errors)
        if errors:
            raise InvalidInput(_("The message was not sent."), errors=errors)
        author_id = _user_id(actor)
        text = body.strip()
        members = member_ids(channel=channel)
        mentioned = _mentioned(channel, text, author_id=author_id, members=members)
        message = Message.objects.create(
            channel=channel,
            author_id=author_id,
            classification=classification,
            body_sealed=sealing.text_seal(channel_key(channel), text),
            attachment_ids=ids,
            mentioned_ids=mentioned,
            created_at=timezone.now(),
        )
        ReadMarker.objects.update_or_create(channel=channel, user_id=author_id, defaults={"last_read_id": message.pk})
        _audit(
            actor,
            "chat.message_posted",
            channel,
            message_id=message.pk,
            classification=classification,
            attachments=ids,
            mentions=len(mentioned),
        )
        payload = {
            "channel_id": channel.pk,
            "message_id": message.pk,
            "classification": classification,
            "author_id": author_id,
        }
        events_publish(user_ids=[m for m in members if m != author_id], kind="chat.message", payload=payload)
        events_publish(user_ids=mentioned, kind="chat.mention", payload=payload)
        events_publish(user_ids=mentioned, kind="notification", payload={**payload, "source": "chat.mention"})
    return message


def channel_mark_read(*, actor: Actor, channel_id: int) -> int:
    """Mark every message of the channel read for the actor; return the new marker. Needs ``chat.view``.

    Emits ``chat.channel_read`` (the marker only) when it moves.
    """
    with transaction.atomic():
        channel = channel_get(actor=actor, channel_id=channel_id)
        newest = Message.objects.filter(channel_id=channel.pk).order_by("-id").values_list("id", flat=True).first()
        last = int(newest or 0)
        marker, _created = ReadMarker.objects.select_for_update().get_or_create(
            channel=channel, user_id=_user_id(actor)
        )
        if marker.last_read_id < last:
            marker.last_read_id = last
            marker.save(update_fields=["last_read_id"])
            _audit(actor, "chat.channel_read", channel, last_read_id=last)
    return marker.last_read_id


def channel_retention_set(*, actor: Actor, channel_id: int, retention_days: int | None) -> Channel:
    """Set how many days messages are kept (None: kept until changed). Needs ``chat.manage``.

    Raises InvalidInput outside 1-3650. Emits ``chat.retention_changed``.
    """
    if retention_days is not None and not 1 <= retention_days <= RETENTION_DAYS_MAX:
        message = _("Keep messages between 1 and %(n)d days, or leave it empty.") % {"n": RETENTION_DAYS_MAX}
        raise InvalidInput(message, errors={"retention_days": [message]})
    with transaction.atomic():
        channel = _locked(channel_id)
        access.require(actor, "chat.manage", channel)
        before = channel.retention_days
        channel.retention_days = retention_days
        channel.save(update_fields=["retention_days"])
        _audit(actor, "chat.retention_changed", channel, before=before, after=retention_days)
    return channel


def legal_hold_place(*, actor: Actor, channel_id: int, reason: str) -> Channel:
    """Place a legal hold on a channel: purging stops until it is lifted. Needs ``chat.legal_hold``.

    Raises InvalidInput without a reason, Conflict when a hold is already in place. Emits
    ``chat.legal_hold_placed``.
    """
    text = (reason or "").strip()
    if not text or len(text) > REASON_MAX:
        message = _("Give a reason of at most %(n)d characters.") % {"n": REASON_MAX}
        raise InvalidInput(message, errors={"reason": [message]})
    with transaction.atomic():
        channel = _locked(channel_id)
        access.require(actor, "chat.legal_hold", channel)
        if channel.on_legal_hold:
            raise Conflict(_("This channel is already on legal hold."))
        channel.legal_hold_at = timezone.now()
        channel.legal_hold_by_id = _user_id(actor)
        channel.legal_hold_reason = text
        channel.save(update_fields=["legal_hold_at", "legal_hold_by", "legal_hold_reason"])
        _audit(actor, "chat.legal_hold_placed", channel)
    return channel


def legal_hold_lift(*, actor: Actor, channel_id: int) -> Channel:
    """Lift a channel's legal hold: purging resumes at the next run. Needs ``chat.legal_hold``.

    Raises Conflict when there is no hold. Emits ``chat.legal_hold_lifted``.
    """
    with transaction.atomic():
        channel = _locked(channel_id)
        access.require(actor, "chat.legal_hold", channel)
        if not channel.on_legal_hold:
            raise Conflict(_("This channel is not on legal hold."))
        held_since = channel.legal_hold_at
        channel.legal_hold_at = None
        channel.legal_hold_by = None
        channel.legal_hold_reason = ""
        channel.save(update_fields=["legal_hold_at", "legal_hold_by", "legal_hold_reason"])
        _audit(actor, "chat.legal_hold_lifted", channel, held_since=held_since.isoformat() if held_since else None)
    return channel
