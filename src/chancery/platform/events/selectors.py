"""Reading a user's events after a given id (the stream's resume point)."""

from __future__ import annotations

from chancery.platform.actor import Actor
from chancery.platform.events.models import Event

BATCH = 200


def event_list_after(*, actor: Actor, after_id: int, limit: int = BATCH) -> list[Event]:
    """Return the actor's own events with an id above ``after_id``, oldest first, at most ``limit``.

    Needs a signed-in actor (anyone else gets nothing): a user only ever reads their own stream.
    """
    if actor.user_id is None:
        return []
    return list(Event.objects.filter(user_id=actor.user_id, id__gt=after_id).order_by("id")[:limit])


def event_last_id(*, actor: Actor) -> int:
    """Return the id of the actor's newest event (0 when none): where a fresh stream starts."""
    if actor.user_id is None:
        return 0
    last = Event.objects.filter(user_id=actor.user_id).order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)
