"""Who may schedule, see, join and cancel video meetings.

``meetings.schedule``
    Internal users (not partners' accounts) schedule meetings and start them from a cable they may read.
``meetings.view`` (hidden on refusal)
    The meeting's participants (the organiser is always one).
``meetings.join``
    A participant, while the meeting is neither cancelled nor over (the token window ends fifteen minutes
    after the end).
``meetings.cancel``
    The organiser, until the meeting is cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from chancery.meetings.models import Meeting
from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor

GRACE = timedelta(minutes=15)


def is_internal(actor: Actor) -> bool:
    """True for a signed-in user of an internal unit (not a partner)."""
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and not actor.is_external
        and actor.organisation_kind not in EXTERNAL_KINDS
    )


def _participates(actor: Actor, meeting: Meeting) -> bool:
    return actor.user_id is not None and meeting.participants.filter(user_id=actor.user_id).exists()


@access.rule("meetings.schedule", scope="write")
def can_schedule(actor: Actor, _obj: object | None) -> bool:
    """Internal users schedule meetings."""
    return is_internal(actor)


@access.rule("meetings.view", scope="read", hide_on_deny=True)
def can_view(actor: Actor, meeting: Meeting | None) -> bool:
    """Participants see a meeting; with no meeting, whether the actor may open the meetings pages."""
    if actor.user_id is None:
        return False
    if meeting is None:
        return True
    return _participates(actor, meeting)


@access.visibility("meetings.view")
def visible_meetings(actor: Actor, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings ``can_view`` allows, as one filter."""
    if actor.user_id is None:
        return queryset.none()
    return queryset.filter(pk__in=Meeting.objects.filter(participants__user_id=actor.user_id).values("pk"))


@access.rule("meetings.join", scope="write")
def can_join(actor: Actor, meeting: Meeting | None) -> bool:
    """Participants, while the meeting is not cancelled and not over."""
    if meeting is None or meeting.cancelled_at is not None:
        return False
    if timezone.now() > meeting.ends_at + GRACE:
        return False
    return _participates(actor, meeting)


@access.rule("meetings.cancel", scope="write")
def can_cancel(actor: Actor, meeting: Meeting | None) -> bool:
    """The organiser, until cancelled."""
    if meeting is None:
        return False
    return meeting.cancelled_at is None and actor.user_id is not None and meeting.organiser_id == actor.user_id
