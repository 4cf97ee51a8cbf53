"""Server-sent events framing and the polling loop behind ``/events/stream`` (no Django views here)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from chancery.platform.actor import Actor
from chancery.platform.events.models import Event
from chancery.platform.events.selectors import event_list_after

RETRY_MILLISECONDS = 3000


def sse_frame(event: Event) -> str:
    """Return ``event`` as one SSE frame: ``id``, ``event`` (its kind) and one ``data`` line of JSON."""
    data = json.dumps({"id": event.pk, "kind": event.kind, "payload": event.payload}, ensure_ascii=False)
    kind = event.kind.replace("\n", " ").replace("\r", " ")
    return f"id: {event.pk}\nevent: {kind}\ndata: {data}\n\n"


def parse_last_event_id(raw: str | None) -> int | None:
    """Return the non-negative integer in a ``Last-Event-ID`` value, or None when absent or malformed."""
    if raw is None:
        return None
    text = raw.strip()
    if not text.isdigit() or len(text) > 19:
        return None
    return int(text)


async def event_stream(
    *,
    actor: Actor,
    after_id: int,
    poll_seconds: float,
    heartbeat_seconds: float,
    max_seconds: float,
) -> AsyncIterator[str]:
    """Yield SSE frames for the actor's events after ``after_id``, polling the table, until ``max_seconds``.

    Sends a ``retry`` hint first and a comment line as a heartbeat when idle; the client reconnects with
    ``Last-Event-ID`` when the stream ends (or the server restarts) and misses nothing, since every event
    is persisted before it is streamed.
    """
    fetch = sync_to_async(event_list_after)
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    last = after_id
    elapsed = 0.0
    idle = 0.0
    while True:
        batch = await fetch(actor=actor, after_id=last)
        for event in batch:
            last = event.pk
            yield sse_frame(event)
        if batch:
            idle = 0.0
            continue
        if elapsed >= max_seconds:
            return
        await asyncio.sleep(poll_seconds)
        elapsed += poll_seconds
        idle += poll_seconds
        if idle >= heartbeat_seconds:
            idle = 0.0
            yield ": heartbeat\n\n"
