"""The chat API (mounted at ``/api/v1/chat``): channels, members, messages, retention, hold, export.

Handlers are thin: they take the actor the authenticator left on the request, call one selector or
service and serialise; domain errors become problem+json in the shared handlers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from chancery.chat import selectors, services
from chancery.chat.export import channel_export
from chancery.chat.models import Channel
from chancery.chat.schemas import (
    ChannelIn,
    ChannelOut,
    DirectIn,
    LegalHoldIn,
    MemberIn,
    MemberOut,
    MessageIn,
    MessageOut,
    ReadOut,
    RetentionIn,
)
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["chat"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


def _channel(request: HttpRequest, channel_id: int) -> Channel:
    actor = request_actor(request)
    channel = selectors.channel_get(actor=actor, channel_id=channel_id)
    channel.unread = selectors.unread_count(actor=actor, channel_id=channel_id)  # type: ignore[attr-defined]
    return channel


@router.get("/channels", response={200: list[ChannelOut], **ERRORS}, operation_id="chat_channel_list")
@paginated
def channel_list(request: HttpRequest) -> QuerySet[Channel]:
    """List the caller's channels with unread counts, most recent activity first."""
    return selectors.channel_list(actor=request_actor(request))


@router.post("/channels", response={201: ChannelOut, **ERRORS}, operation_id="chat_channel_create")
def channel_create(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    """Create a topic channel (the caller becomes its admin) or a channel of the caller's own unit."""
    actor = request_actor(request)
    channel = services.channel_create(actor=actor, kind=payload.kind, name=payload.name, ceiling=payload.ceiling)
    return Status(201, _channel(request, channel.pk))


@router.post("/direct", response={200: ChannelOut, **ERRORS}, operation_id="chat_direct_open")
def direct_open(request: HttpRequest, payload: DirectIn) -> Channel:
    """Open (or create) the direct conversation with a colleague."""
    channel = services.direct_open(actor=request_actor(request), username=payload.username)
    return _channel(request, channel.pk)


@router.get("/channels/{channel_id}", response={200: ChannelOut, **NOT_FOUND}, operation_id="chat_channel_get")
def channel_get(request: HttpRequest, channel_id: int) -> Channel:
    """Return one channel the caller belongs to (hidden and missing channels both answer 404)."""
    return _channel(request, channel_id)


@router.get(
    "/channels/{channel_id}/members", response={200: list[MemberOut], **NOT_FOUND}, operation_id="chat_member_list"
)
def member_list(request: HttpRequest, channel_id: int) -> list[dict[str, Any]]:
    """List the channel's members (derived from the unit for unit and mission channels)."""
    channel = selectors.channel_get(actor=request_actor(request), channel_id=channel_id)
    return [
        {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name(),
            "organisation": user.organisation.code if user.organisation else "",
        }
        for user in selectors.member_list(channel=channel)
    ]


@router.post("/channels/{channel_id}/members", response={204: None, **NOT_FOUND}, operation_id="chat_member_add")
def member_add(request: HttpRequest, channel_id: int, payload: MemberIn) -> Status[None]:
    """Add a colleague to a topic channel (its admins)."""
    services.member_add(
        actor=request_actor(request), channel_id=channel_id, username=payload.username, is_admin=payload.is_admin
    )
    return Status(204, None)


@router.post(
    "/channels/{channel_id}/members/{user_id}/delete",
    response={204: None, **NOT_FOUND},
    operation_id="chat_member_remove",
)
def member_remove(request: HttpRequest, channel_id: int, user_id: int) -> Status[None]:
    """Remove a listed member from a topic channel (its admins)."""
    services.member_remove(actor=request_actor(request), channel_id=channel_id, user_id=user_id)
    return Status(204, None)


@router.get(
    "/channels/{channel_id}/messages",
    response={200: list[MessageOut], **NOT_FOUND},
    operation_id="chat_message_list",
)
def message_list(request: HttpRequest, channel_id: int, before: int | None = None, limit: int = 50) -> list[Any]:
    """Return up to ``limit`` (at most 200) messages older than ``before`` (the newest by default), oldest first."""
    views = selectors.message_list(actor=request_actor(request), channel_id=channel_id, before_id=before, limit=limit)
    return [MessageOut.from_view(view) for view in views]


@router.post(
    "/channels/{channel_id}/messages", response={201: MessageOut, **NOT_FOUND}, operation_id="chat_message_post"
)
def message_post(request: HttpRequest, channel_id: int, payload: MessageIn) -> Status[dict[str, Any]]:
    """Post a message; refused (nothing stored) above the ceiling, oversized, or with an unreadable attachment."""
    actor = request_actor(request)
    message = services.message_post(
        actor=actor,
        channel_id=channel_id,
        body=payload.body,
        classification=payload.classification,
        attachment_ids=payload.attachments,
    )
    channel = selectors.channel_get(actor=actor, channel_id=channel_id)
    view = selectors.message_open(message, key=selectors.channel_key(channel), actor=actor)
    return Status(201, MessageOut.from_view(view))


@router.post("/channels/{channel_id}/read", response={200: ReadOut, **NOT_FOUND}, operation_id="chat_channel_read")
def channel_read(request: HttpRequest, channel_id: int) -> dict[str, int]:
    """Mark every message of the channel read for the caller."""
    return {"last_read_id": services.channel_mark_read(actor=request_actor(request), channel_id=channel_id)}


@router.put(
    "/channels/{channel_id}/retention", response={200: ChannelOut, **NOT_FOUND}, operation_id="chat_retention_set"
)
def retention_set(request: HttpRequest, channel_id: int, payload: RetentionIn) -> Channel:
    """Set the channel's retention in days (null keeps messages); its managers."""
    services.channel_retention_set(
        actor=request_actor(request), channel_id=channel_id, retention_days=payload.retention_days
    )
    return _governed(request, channel_id)


def _governed(request: HttpRequest, channel_id: int) -> Channel:
    return selectors.channel_get_governed(actor=request_actor(request), channel_id=channel_id)


@router.post(
    "/channels/{channel_id}/legal-hold", response={200: ChannelOut, **NOT_FOUND}, operation_id="chat_legal_hold_place"
)
def legal_hold_place(request: HttpRequest, channel_id: int, payload: LegalHoldIn) -> Channel:
    """Place a legal hold (purging stops); security officers."""
    services.legal_hold_place(actor=request_actor(request), channel_id=channel_id, reason=payload.reason)
    return _governed(request, channel_id)


@router.post(
    "/channels/{channel_id}/legal-hold/lift",
    response={200: ChannelOut, **NOT_FOUND},
    operation_id="chat_legal_hold_lift",
)
def legal_hold_lift(request: HttpRequest, channel_id: int) -> Channel:
    """Lift the legal hold (purging resumes); security officers."""
    services.legal_hold_lift(actor=request_actor(request), channel_id=channel_id)
    return _governed(request, channel_id)


@router.post(
    "/channels/{channel_id}/export",
    response={200: None, **NOT_FOUND},
    operation_id="chat_channel_export",
    openapi_extra={"responses": {"200": {"description": "a zip archive", "content": {"application/zip": {}}}}},
)
def export(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Export the channel to a zip (``messages.json`` and a readable ``channel.html``); audited."""
    archive = channel_export(actor=request_actor(request), channel_id=channel_id)
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    return response
