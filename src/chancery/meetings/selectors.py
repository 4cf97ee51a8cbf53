"""Reads on meetings, scoped by the policy engine to the actor's own meetings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from chancery.meetings import jitsi
from chancery.meetings.models import Meeting, Participant
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound


def _base() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("organiser", "cable", "cable__originator")


def meeting_list(*, actor: Actor, upcoming: bool = True) -> QuerySet[Meeting]:
    """Return the actor's meetings (as a participant), upcoming first or past newest first. Emits nothing."""
    visible = access.visible(actor, "meetings.view", _base())
    now = timezone.now()
    if upcoming:
        return visible.filter(ends_at__gte=now).order_by("starts_at", "id")
    return visible.filter(ends_at__lt=now).order_by("-starts_at", "-id")


def meeting_get(*, actor: Actor, meeting_id: int) -> Meeting:
    """Return one of the actor's meetings; NotFound when it does not exist or the actor is not invited."""
    meeting = _base().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    access.require(actor, "meetings.view", meeting)
    return meeting


def participant_list(*, actor: Actor, meeting: Meeting) -> list[Participant]:
    """Return a visible meeting's participants, moderators first."""
    access.require(actor, "meetings.view", meeting)
    return list(meeting.participants.select_related("user", "user__organisation"))


@dataclass(frozen=True, slots=True)
class VideoStatus:
    """Whether a Jitsi deployment is configured, and where (for the pages' plain statement)."""

    configured: bool
    base_url: str


def video_status() -> VideoStatus:
    """Return whether meetings can have rooms on this installation (no secret in it)."""
    service = jitsi.configured_service()
    return VideoStatus(configured=service is not None, base_url=service.base_url if service else "")


def meeting_start_offered(*, actor: Actor) -> bool:
    """Whether a page (a cable, a chat channel) should offer ``actor`` to start a meeting now.

    True when the actor may schedule meetings and a Jitsi deployment is configured.
    """
    return access.can(actor, "meetings.schedule") and video_status().configured
