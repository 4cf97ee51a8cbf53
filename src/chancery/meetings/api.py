"""The meetings API (mounted at ``/api/v1/meetings``): list, schedule, join, invitation, cancel, from a cable."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from chancery.meetings import selectors, services
from chancery.meetings.jitsi import JoinLink
from chancery.meetings.models import Meeting
from chancery.meetings.schemas import JoinOut, MeetingIn, MeetingOut, VideoStatusOut
from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem

router = Router(tags=["meetings"])

ERRORS: dict[int, Any] = dict(PROBLEM_RESPONSES)
NOT_FOUND: dict[int, Any] = {**ERRORS, 404: Problem}


@router.get("/", response={200: list[MeetingOut], **ERRORS}, operation_id="meetings_meeting_list")
@paginated
def meeting_list(request: HttpRequest, upcoming: bool = True) -> QuerySet[Meeting]:
    """List the caller's meetings: upcoming and current (default) or past."""
    return selectors.meeting_list(actor=request_actor(request), upcoming=upcoming)


@router.get("/video", response={200: VideoStatusOut, **ERRORS}, operation_id="meetings_video_status")
def video_status(request: HttpRequest) -> selectors.VideoStatus:
    """Say whether a Jitsi Meet deployment is configured (without one no meeting can be created)."""
    request_actor(request)
    return selectors.video_status()


@router.post("/", response={201: MeetingOut, **ERRORS}, operation_id="meetings_meeting_schedule")
def meeting_schedule(request: HttpRequest, payload: MeetingIn) -> Status[Meeting]:
    """Schedule a meeting and invite the participants (409 when no Jitsi deployment is configured)."""
    meeting = services.meeting_schedule(
        actor=request_actor(request),
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        participants=payload.participants,
        moderators=payload.moderators,
    )
    return Status(201, meeting)


@router.post(
    "/from-cable/{cable_id}", response={201: MeetingOut, **NOT_FOUND}, operation_id="meetings_meeting_from_cable"
)
def meeting_from_cable(request: HttpRequest, cable_id: int) -> Status[Meeting]:
    """Start a meeting now about a cable the caller may read, inviting the people who may read it."""
    return Status(201, services.meeting_start_from_cable(actor=request_actor(request), cable_id=cable_id))


@router.get("/{meeting_id}", response={200: MeetingOut, **NOT_FOUND}, operation_id="meetings_meeting_get")
def meeting_get(request: HttpRequest, meeting_id: int) -> Meeting:
    """Return one of the caller's meetings (404 for anyone not invited)."""
    return selectors.meeting_get(actor=request_actor(request), meeting_id=meeting_id)


@router.post("/{meeting_id}/join", response={200: JoinOut, **NOT_FOUND}, operation_id="meetings_meeting_join")
def meeting_join(request: HttpRequest, meeting_id: int) -> JoinLink:
    """Return the caller's link into the Jitsi room with their own signed token."""
    return services.meeting_join(actor=request_actor(request), meeting_id=meeting_id)


@router.get(
    "/{meeting_id}/invitation.ics",
    response={200: str, **NOT_FOUND},
    operation_id="meetings_meeting_invitation",
)
def meeting_invitation(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Return the meeting's iCalendar invitation (text/calendar)."""
    meeting = selectors.meeting_get(actor=request_actor(request), meeting_id=meeting_id)
    return HttpResponse(services.meeting_invitation_bytes(meeting), content_type="text/calendar; charset=utf-8")


@router.post("/{meeting_id}/cancel", response={200: MeetingOut, **NOT_FOUND}, operation_id="meetings_meeting_cancel")
def meeting_cancel(request: HttpRequest, meeting_id: int) -> Meeting:
    """Cancel a meeting (its organiser)."""
    return services.meeting_cancel(actor=request_actor(request), meeting_id=meeting_id)
