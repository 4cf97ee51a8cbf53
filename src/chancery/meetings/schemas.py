"""API schemas for meetings (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ParticipantOut(Schema):
    """An invited user."""

    username: str = Field(alias="user.username")
    moderator: bool


class MeetingOut(Schema):
    """A meeting the caller takes part in (no token: ask ``/join`` for one)."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    organiser: str = Field(alias="organiser.username")
    cable_id: int | None
    cancelled_at: datetime | None
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        """The participants, moderators first."""
        return list(obj.participants.select_related("user"))


class MeetingIn(Schema):
    """A meeting to schedule: participants and further moderators by user name."""

    title: str = Field(max_length=400)
    starts_at: datetime
    duration_minutes: int = Field(ge=1, le=10_000)
    participants: list[str] = Field(max_length=200)
    moderators: list[str] = Field(default_factory=list, max_length=200)


class JoinOut(Schema):
    """The caller's own way into the Jitsi room: a link carrying a signed token, and its expiry."""

    url: str
    token: str
    expires_at: datetime


class VideoStatusOut(Schema):
    """Whether a Jitsi Meet deployment is configured (meetings cannot be created without one)."""

    configured: bool
    base_url: str
