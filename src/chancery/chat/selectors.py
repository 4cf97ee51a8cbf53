"""Reads on chat channels, scoped by the policy engine to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString, mark_safe

from chancery.cables.rendering import markdown_to_html
from chancery.chat import sealing
from chancery.chat.enums import ORGANISATION_KINDS, ChannelKind
from chancery.chat.models import Channel, Membership, Message, ReadMarker
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound
from chancery.vault import selectors as vault_selectors

PAGE_SIZE = 50


def _base() -> QuerySet[Channel]:
    return Channel.objects.select_related("organisation", "created_by", "legal_hold_by")


def channel_list(*, actor: Actor) -> QuerySet[Channel]:
    """Return the channels the actor belongs to, with ``unread`` and ``last_message_id`` annotations.

    ``unread`` counts messages by others newer than the actor's read marker; most recent activity first.
    """
    marker = ReadMarker.objects.filter(channel_id=OuterRef("pk"), user_id=actor.user_id or 0).values("last_read_id")[:1]
    unread = (
        Message.objects.filter(channel_id=OuterRef("pk"), id__gt=OuterRef("last_read"))
        .exclude(author_id=actor.user_id or 0)
        .order_by()
        .values("channel_id")
        .annotate(count=Count("id"))
        .values("count")[:1]
    )
    return (
        access.visible(actor, "chat.view", _base())
        .annotate(last_read=Coalesce(Subquery(marker), Value(0)))
        .annotate(
            unread=Coalesce(Subquery(unread), Value(0)),
            last_message_id=Coalesce(Subquery(_newest_message_id()), Value(0)),
        )
        .prefetch_related(Prefetch("members", queryset=Membership.objects.select_related("user")))
        .order_by("-last_message_id", "-id")
    )


def _newest_message_id() -> Any:
    return Message.objects.filter(channel_id=OuterRef("pk")).order_by("-id").values("id")[:1]


def channel_get(*, actor: Actor, channel_id: int) -> Channel:
    """Return a channel the actor belongs to; NotFound when it does not exist or is hidden from them."""
    channel = _base().filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(_not_found())
    access.require(actor, "chat.view", channel)
    return channel


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("No such channel, or you are not a member of it.")


def channel_title(channel: Channel, *, actor: Actor) -> str:
    """Return the channel's name as the actor sees it (the other party's name for direct messages)."""
    if channel.kind != ChannelKind.DIRECT:
        return channel.name
    others = [m.user for m in channel.members.all() if m.user_id != actor.user_id]  # prefetched by channel_list
    if not others:
        return channel.name
    return others[0].get_full_name() or others[0].get_username()


def member_list(*, channel: Channel) -> list[Any]:
    """Return the channel's members (derived for unit and mission channels), for a caller who may view it.

    Derived members: the organisation's active internal users cleared for the ceiling.
    """
    users = get_user_model().objects.filter(is_active=True, clearance__gte=channel.ceiling).exclude(role="partner")
    if channel.kind in ORGANISATION_KINDS:
        users = users.filter(organisation_id=channel.organisation_id)
    else:
        users = users.filter(chat_memberships__channel_id=channel.pk)
    return list(users.select_related("organisation").order_by("username"))


def member_ids(*, channel: Channel) -> list[int]:
    """Return the ids of the channel's current members (for live delivery)."""
    return [int(user.pk) for user in member_list(channel=channel)]


def admin_ids(*, channel: Channel) -> set[int]:
    """Return the ids of listed channel admins (topic channels)."""
    return set(Membership.objects.filter(channel_id=channel.pk, is_admin=True).values_list("user_id", flat=True))


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """A vault document attached to a message, as the reader may see it (``title`` empty when hidden)."""

    document_id: int
    title: str
    available: bool


@dataclass(frozen=True, slots=True)
class MessageView:
    """A readable message: the row, its opened body as text and sanitised HTML, and its attachments."""

    message: Message
    text: str
    html: SafeString
    attachments: list[AttachmentView] = field(default_factory=list)

    @property
    def marking(self) -> str:
        """The message's classification label in the active language."""
        return str(Classification(self.message.classification).label)


def attachment_views(*, actor: Actor, document_ids: list[int]) -> list[AttachmentView]:
    """Return each attached document as the vault lets ``actor`` see it (hidden ones are only numbered)."""
    views = []
    for document_id in document_ids:
        try:
            document = vault_selectors.document_get(actor=actor, document_id=int(document_id))
        except NotFound:
            views.append(AttachmentView(document_id=int(document_id), title="", available=False))
        else:
            views.append(AttachmentView(document_id=int(document_id), title=str(document.title), available=True))
    return views


def channel_key(channel: Channel) -> sealing.ChannelKey:
    """Return the channel's opened data key (for callers already allowed to read it)."""
    return sealing.key_open(key_id=channel.key_id, kek_id=channel.kek_id, wrapped=channel.wrapped_key)


def message_open(message: Message, *, key: sealing.ChannelKey, actor: Actor) -> MessageView:
    """Return ``message`` opened and rendered for ``actor`` (who may read its channel)."""
    text = sealing.text_open(key, message.body_sealed)
    return MessageView(
        message=message,
        text=text,
        html=mark_safe(markdown_to_html(text)),  # noqa: S308 - sanitised by nh3 with an allow-list
        attachments=attachment_views(actor=actor, document_ids=list(message.attachment_ids)),
    )


def message_list(
    *, actor: Actor, channel_id: int, before_id: int | None = None, limit: int = PAGE_SIZE
) -> list[MessageView]:
    """Return up to ``limit`` messages older than ``before_id`` (newest page by default), oldest first.

    Needs ``chat.view`` (NotFound otherwise). Emits nothing; opening the channel page marks it read.
    """
    channel = channel_get(actor=actor, channel_id=channel_id)
    queryset = Message.objects.filter(channel_id=channel.pk).select_related("author")
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset.order_by("-id")[: max(1, min(limit, 200))])
    key = channel_key(channel)
    return [message_open(message, key=key, actor=actor) for message in reversed(rows)]


def unread_count(*, actor: Actor, channel_id: int) -> int:
    """Return how many messages by others the actor has not yet read in a channel they belong to."""
    channel = channel_get(actor=actor, channel_id=channel_id)
    marker = ReadMarker.objects.filter(channel_id=channel.pk, user_id=actor.user_id or 0).first()
    last = marker.last_read_id if marker is not None else 0
    return Message.objects.filter(channel_id=channel.pk, id__gt=last).exclude(author_id=actor.user_id).count()


def may(*, actor: Actor, channel: Channel) -> dict[str, bool]:
    """Return what the actor may do with the channel (for pages and the API)."""
    return {
        "post": access.can(actor, "chat.post", channel),
        "manage": access.can(actor, "chat.manage", channel),
        "legal_hold": access.can(actor, "chat.legal_hold", channel),
        "export": access.can(actor, "chat.export", channel),
    }


def channel_oversight_list(*, actor: Actor) -> QuerySet[Channel]:
    """Return the channels the actor governs as a security officer (legal hold, export); none otherwise."""
    from chancery.chat.permissions import overseen_channels

    if not access.can(actor, "chat.legal_hold"):
        return Channel.objects.none()
    return overseen_channels(actor, _base()).order_by("organisation__code", "kind", "name", "id")


def channel_get_governed(*, actor: Actor, channel_id: int) -> Channel:
    """Return a channel the actor reads, manages, holds or exports (its settings page); NotFound otherwise."""
    channel = _base().filter(pk=channel_id).first()
    if channel is None or not any(
        access.can(actor, action, channel) for action in ("chat.view", "chat.legal_hold", "chat.export")
    ):
        raise NotFound(_not_found())
    return channel
