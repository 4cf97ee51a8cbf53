"""Reading a user's events after a given id (the stream's resume point)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from chancery.platform.actor import Actor
from chancery.platform.events.models import Event

BATCH = 200
MANY_CHUNK = 100  # users per query (SQLite's expression depth grows with each OR)


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


def event_list_after_many(*, actor: Actor, after_ids: dict[int, int], limit: int = BATCH) -> dict[int, list[Event]]:
    """Return, for each user id in ``after_ids``, their events with an id above its value (oldest first).

    For the stream multiplexer only (the system actor): each key is the user of an authenticated stream,
    which receives only its own list. At most ``limit`` events per user; one query per 100 users (each
    user falls back to its own query when a chunk was truncated). Emits nothing.
    """
    if not actor.is_system:
        return {}
    found: dict[int, list[Event]] = {user_id: [] for user_id in after_ids}
    users = sorted(after_ids)
    for start in range(0, len(users), MANY_CHUNK):
        chunk = users[start : start + MANY_CHUNK]
        condition = reduce(or_, (Q(user_id=u, id__gt=after_ids[u]) for u in chunk))
        cap = limit * len(chunk)
        rows = list(Event.objects.filter(condition).order_by("id")[:cap])
        if len(rows) == cap:  # truncated: read each user on their own
            for user_id in chunk:
                found[user_id] = list(
                    Event.objects.filter(user_id=user_id, id__gt=after_ids[user_id]).order_by("id")[:limit]
                )
            continue
        for row in rows:
            if len(found[row.user_id]) < limit:
                found[row.user_id].append(row)
    return found
