"""Writes on meetings: scheduling (also from a cable or, for chat, at once), joining and cancelling.

Every public service runs in one transaction, checks the policy engine, writes an audit event (no titles:
only ids and times) and, on commit, publishes live ``meeting.*`` events and mails the iCalendar
invitation to participants who have an e-mail address.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.meetings import jitsi
from chancery.meetings.invitation import Attendee, invitation_ics
from chancery.meetings.models import Meeting, Participant
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish

logger = logging.getLogger(__name__)

TITLE_MAX = 200
PARTICIPANTS_MAX = 100
DURATION_MIN, DURATION_MAX = 5, 8 * 60
PAST_TOLERANCE = timedelta(minutes=5)


def _require_video() -> jitsi.JitsiMeet:
    service = jitsi.configured_service()
    if service is None:
        raise Conflict(
            _("No Jitsi Meet deployment is configured for this installation, so no meeting room can be created.")
        )
    return service


def _audit(actor: Actor, action: str, meeting: Meeting, **detail: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="meetings.meeting",
        object_id=meeting.pk,
        detail={"starts_at": meeting.starts_at.isoformat(), "cable_id": meeting.cable_id, **detail},
    )


def _people(usernames: Iterable[str], errors: dict[str, list[str]], field: str) -> list[Any]:
    wanted = list(dict.fromkeys(u.strip() for u in usernames if u.strip()))
    users = {
        u.get_username(): u
        for u in get_user_model().objects.select_related("organisation").filter(username__in=wanted, is_active=True)
    }
    found = []
    for name in wanted:
        user = users.get(name)
        if user is None or user.role == "partner" or (user.organisation and user.organisation.kind in EXTERNAL_KINDS):
            errors.setdefault(field, []).append(_("Unknown or external user: %(name)s.") % {"name": name})
            continue
        found.append(user)
    return found


def _page_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])


def meeting_invitation_bytes(meeting: Meeting) -> bytes:
    """Return the iCalendar invitation of ``meeting`` (for callers that already checked ``meetings.view``)."""
    seats = list(meeting.participants.select_related("user"))
    organiser = meeting.organiser
    return invitation_ics(
        uid=f"meeting-{meeting.pk}-{meeting.room}@chancery",
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        page_url=_page_url(meeting),
        organiser=Attendee(name=organiser.get_full_name() or organiser.get_username(), email=organiser.email),
        attendees=[Attendee(name=s.user.get_full_name() or s.user.get_username(), email=s.user.email) for s in seats],
        stamp=meeting.cancelled_at or meeting.created_at,
        cancelled=meeting.cancelled_at is not None,
    )


def _mail_invitation(meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("organiser").get(pk=meeting_id)
    addresses = [s.user.email for s in meeting.participants.select_related("user") if s.user.email]
    if not addresses:
        return
    subject = _("Video meeting: %(title)s") % {"title": meeting.title}
    if meeting.cancelled_at is not None:
        subject = _("Cancelled: %(title)s") % {"title": meeting.title}
    body = _("%(title)s\n%(start)s - %(end)s (UTC)\n%(url)s") % {
        "title": meeting.title,
        "start": meeting.starts_at.strftime("%Y-%m-%d %H:%M"),
        "end": meeting.ends_at.strftime("%H:%M"),
        "url": _page_url(meeting),
    }
    message = EmailMessage(subject=subject, body=body, to=addresses)
    message.attach("invitation.ics", meeting_invitation_bytes(meeting), "text/calendar; method=REQUEST")
    try:
        message.send()
    except OSError:  # smtplib errors included; the live event and the page still inform participants
        logger.warning("meeting invitation mail for meeting %s could not be sent", meeting_id)


def _create(
    actor: Actor,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    users: list[Any],
    moderators: set[int],
    cable_id: int | None = None,
    source: str = "",
) -> Meeting:
    if actor.user_id is None:  # the rules already refuse anonymous actors
        raise PermissionDenied
    starts_at, ends_at = starts_at.replace(microsecond=0), ends_at.replace(microsecond=0)
    meeting = Meeting.objects.create(
        title=title,
        room="chancery-" + secrets.token_hex(16),
        organiser_id=actor.user_id,
        starts_at=starts_at,
        ends_at=ends_at,
        cable_id=cable_id,
        source=source[:64],
    )
    ids = {int(u.pk) for u in users} | {actor.user_id}
    Participant.objects.bulk_create(
        Participant(meeting=meeting, user_id=uid, moderator=uid == actor.user_id or uid in moderators)
        for uid in sorted(ids)
    )
    _audit(actor, "meetings.scheduled", meeting, participants=len(ids), source=meeting.source)
    others = ids - {actor.user_id}
    payload = {"meeting_id": meeting.pk, "starts_at": starts_at.isoformat(), "cable_id": cable_id}
    events_publish(user_ids=others, kind="meeting.invited", payload=payload)
    transaction.on_commit(lambda: _mail_invitation(meeting.pk))
    return meeting


def meeting_schedule(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    participants: Iterable[str],
    moderators: Iterable[str] = (),
) -> Meeting:
    """Schedule a meeting with the named participants (usernames of internal users); return it.

    Needs ``meetings.schedule`` and a configured Jitsi deployment (Conflict otherwise: no room is
    pretended). Raises InvalidInput for an empty or long title, a start in the past, a duration outside
    5-480 minutes, unknown or external users, or more than 100 participants. The organiser joins as a
    moderator. Emits ``meetings.scheduled``, live ``meeting.invited`` events and e-mailed invitations.
    """
    access.require(actor, "meetings.schedule")
    _require_video()
    errors: dict[str, list[str]] = {}
    text = title.strip()
    if not text or len(text) > TITLE_MAX:
        errors["title"] = [_("Give a title of at most %(n)d characters (no classified text).") % {"n": TITLE_MAX}]
    if timezone.is_naive(starts_at) or starts_at < timezone.now() - PAST_TOLERANCE:
        errors["starts_at"] = [_("Choose a start time that is not in the past.")]
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = [_("A meeting lasts 5 to 480 minutes.")]
    users = _people(participants, errors, "participants")
    chosen = _people(moderators, errors, "moderators")
    if len(users) > PARTICIPANTS_MAX:
        errors.setdefault("participants", []).append(_("At most %(n)d participants.") % {"n": PARTICIPANTS_MAX})
    if errors:
        raise InvalidInput(_("The meeting was not scheduled."), errors=errors)
    with transaction.atomic():
        return _create(
            actor,
            title=text,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=duration_minutes),
            users=users + chosen,
            moderators={int(u.pk) for u in chosen},
        )


def meeting_start_now(
    *, actor: Actor, title: str, participant_ids: Iterable[int], source: str = "", minutes: int = 60
) -> Meeting:
    """Start a meeting now with users by id (for chat channels and other callers); return it.

    Needs ``meetings.schedule`` and a configured Jitsi deployment (Conflict otherwise). Only active
    internal users among ``participant_ids`` are invited (others are skipped, not revealed); ``source``
    (e.g. ``"chat:12"``) is recorded. Emits ``meetings.scheduled`` and live ``meeting.invited`` events.
    """
    access.require(actor, "meetings.schedule")
    _require_video()
    text = title.strip()[:TITLE_MAX] or _("Video meeting")
    users = list(
        get_user_model()
        .objects.filter(pk__in=list(participant_ids)[:PARTICIPANTS_MAX], is_active=True)
        .exclude(role="partner")
        .exclude(organisation__kind__in=sorted(EXTERNAL_KINDS))
    )
    now = timezone.now()
    with transaction.atomic():
        return _create(
            actor,
            title=text,
            starts_at=now,
            ends_at=now + timedelta(minutes=max(DURATION_MIN, min(minutes, DURATION_MAX))),
            users=users,
            moderators=set(),
            source=source,
        )


def meeting_start_from_cable(*, actor: Actor, cable_id: int) -> Meeting:
    """Start a meeting now about a cable the actor may read, inviting the people who may read it.

    Needs ``meetings.schedule``, ``cables.view`` on the cable (NotFound otherwise) and a configured Jitsi
    deployment. The title names the cable by number (or draft id), never by subject. Emits as
    :func:`meeting_start_now`.
    """
    from chancery.cables.selectors import cable_readers

    access.require(actor, "meetings.schedule")
    _require_video()
    cable, readers = cable_readers(actor=actor, cable_id=cable_id)
    label = cable.reference or _("draft #%(id)d") % {"id": cable.pk}
    title = _("Meeting on cable %(reference)s") % {"reference": label}
    users = list(get_user_model().objects.filter(pk__in=readers))
    now = timezone.now()
    with transaction.atomic():
        return _create(
            actor,
            title=title,
            starts_at=now,
            ends_at=now + timedelta(minutes=60),
            users=users,
            moderators=set(),
            cable_id=cable.pk,
            source="cable",
        )


def meeting_start_from_channel(*, actor: Actor, channel_id: int) -> Meeting:
    """Start a meeting now from a chat channel the actor is a member of, inviting its members.

    Needs ``meetings.schedule``, membership of the channel (NotFound otherwise, through the chat
    selectors) and a configured Jitsi deployment. Emits as :func:`meeting_start_now` (source ``chat:<id>``).
    """
    from chancery.chat.selectors import channel_get, channel_title, member_ids

    channel = channel_get(actor=actor, channel_id=channel_id)
    title = _("Meeting of %(channel)s") % {"channel": channel_title(channel, actor=actor)}
    return meeting_start_now(
        actor=actor, title=title, participant_ids=member_ids(channel=channel), source=f"chat:{channel.pk}"
    )


def meeting_join(*, actor: Actor, meeting_id: int) -> jitsi.JoinLink:
    """Return the actor's link into the meeting's Jitsi room with their own signed token.

    Needs ``meetings.view`` (NotFound otherwise) and ``meetings.join`` (PermissionDenied when cancelled
    or over); Conflict when no Jitsi deployment is configured. Emits ``meetings.joined`` (no token).
    """
    meeting = Meeting.objects.select_related("organiser").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    access.require(actor, "meetings.view", meeting)
    access.require(actor, "meetings.join", meeting)
    service = _require_video()
    seat = meeting.participants.select_related("user").get(user_id=int(actor.user_id or 0))
    user = seat.user
    link = service.join_link(
        room=meeting.room,
        seat=jitsi.Seat(
            user_id=int(user.pk),
            name=user.get_full_name() or user.get_username(),
            email=user.email,
            moderator=seat.moderator,
        ),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        now=timezone.now(),
    )
    with transaction.atomic():
        _audit(actor, "meetings.joined", meeting, moderator=seat.moderator)
    return link


def meeting_cancel(*, actor: Actor, meeting_id: int) -> Meeting:
    """Cancel a meeting (its organiser); no token is issued for it afterwards.

    Needs ``meetings.view`` (NotFound otherwise) and ``meetings.cancel``. Emits ``meetings.cancelled``,
    live ``meeting.cancelled`` events and e-mailed cancellations.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None:
            raise NotFound
        access.require(actor, "meetings.view", meeting)
        if not access.can(actor, "meetings.cancel", meeting):
            raise PermissionDenied
        meeting.cancelled_at = timezone.now()
        meeting.save(update_fields=["cancelled_at"])
        _audit(actor, "meetings.cancelled", meeting)
        others = set(meeting.participants.exclude(user_id=int(actor.user_id or 0)).values_list("user_id", flat=True))
        events_publish(user_ids=others, kind="meeting.cancelled", payload={"meeting_id": meeting.pk})
        transaction.on_commit(lambda: _mail_invitation(meeting.pk))
    return meeting
