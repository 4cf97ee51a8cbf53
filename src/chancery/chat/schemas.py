"""API schemas for chat (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from chancery.chat.selectors import MessageView
from chancery.platform.enums import Classification


class ChannelOut(Schema):
    """A channel the caller belongs to, with their unread count."""

    id: int
    kind: str = Field(description="unit, mission, topic or direct")
    name: str = Field(description="empty for direct messages")
    organisation: str = Field(alias="organisation.code", description="the channel's home unit")
    ceiling: Classification = Field(description="no message may be marked above it")
    retention_days: int | None = Field(description="messages older than this are purged; null: kept")
    legal_hold: bool = Field(alias="on_legal_hold", description="purging is suspended while true")
    unread: int = Field(0, description="messages by others newer than the caller's read marker")
    created_at: datetime


class ChannelIn(Schema):
    """A new topic channel, or a channel for the caller's own unit or mission."""

    kind: Literal["topic", "unit"]
    name: str = Field(max_length=200)
    ceiling: Classification


class DirectIn(Schema):
    """The colleague to talk to directly."""

    username: str = Field(max_length=150)


class MemberIn(Schema):
    """A colleague to add to a topic channel."""

    username: str = Field(max_length=150)
    is_admin: bool = False


class MemberOut(Schema):
    """A member of a channel."""

    id: int
    username: str
    name: str
    organisation: str


class AttachmentOut(Schema):
    """A vault document attached to a message; ``title`` is empty when the vault hides it from the caller."""

    document_id: int
    title: str
    available: bool


class MessageIn(Schema):
    """A message in the safe Markdown subset, its marking and vault documents to attach (by id)."""

    body: str = Field(max_length=1_000_000)
    classification: Classification
    attachments: list[int] = Field(default_factory=list, max_length=50)


class MessageOut(Schema):
    """A message with its opened text, sanitised HTML and attachments as the caller may see them."""

    id: int
    channel_id: int
    author: str
    classification: Classification
    text: str
    html: str
    attachments: list[AttachmentOut]
    mentions: list[int]
    posted_at: datetime

    @staticmethod
    def from_view(view: MessageView) -> dict[str, Any]:
        """Return the response data for an opened message."""
        message = view.message
        return {
            "id": message.pk,
            "channel_id": message.channel_id,
            "author": message.author.get_username(),
            "classification": message.classification,
            "text": view.text,
            "html": str(view.html),
            "attachments": [
                {"document_id": a.document_id, "title": a.title, "available": a.available} for a in view.attachments
            ],
            "mentions": [int(i) for i in message.mentioned_ids],
            "posted_at": message.created_at,
        }


class ReadOut(Schema):
    """The caller's read marker after marking a channel read."""

    last_read_id: int


class RetentionIn(Schema):
    """Days to keep messages (null: keep them)."""

    retention_days: int | None = Field(None, ge=1, le=3650)


class LegalHoldIn(Schema):
    """Why the channel is placed on legal hold."""

    reason: str = Field(max_length=300)
