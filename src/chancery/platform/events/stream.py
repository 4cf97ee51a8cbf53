"""Server-sent events framing and the read loop behind ``/events/stream`` (no Django views here).

The loop reads the ``Event`` table (the source of truth), then waits for a wake-up signal
(:mod:`chancery.platform.events.wakeup`) or the poll interval, whichever comes first.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from chancery.platform.actor import Actor
from chancery.platform.events import wakeup
from chancery.platform.events.models import Event
from chancery.platform.events.selectors import BATCH, event_list_after_many

SYSTEM = Actor.system(purpose="events.stream")


class Multiplexer:
    """Reads for every stream of one event loop, batched: streams woken together share one query.

    A FLASH cable wakes hundreds of streams at once; instead of one database read each (serialised on
    Django's single sync thread), the reads requested in the same loop iteration become one query.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve the streams running on ``loop``."""
        self.loop = loop
        self.requests: dict[int, list[tuple[int, asyncio.Future[list[Event]]]]] = {}
        self.flushing = False
        self.fetch_many = sync_to_async(event_list_after_many)

    async def fetch(self, user_id: int, after_id: int) -> list[Event]:
        """Return ``user_id``'s events after ``after_id`` (at most one batch), sharing the query."""
        future: asyncio.Future[list[Event]] = self.loop.create_future()
        self.requests.setdefault(user_id, []).append((after_id, future))
        if not self.flushing:
            self.flushing = True
            self.loop.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the other streams woken in this iteration queue their reads
        requests, self.requests, self.flushing = self.requests, {}, False
        after = {user_id: min(a for a, _f in waiting) for user_id, waiting in requests.items()}
        try:
            found = await self.fetch_many(actor=SYSTEM, after_ids=after, limit=BATCH)
        except Exception as error:  # noqa: BLE001 - handed to every waiting stream
            for waiting in requests.values():
                for _after, future in waiting:
                    if not future.done():
                        future.set_exception(error)
            return
        for user_id, waiting in requests.items():
            for after_id, future in waiting:
                if not future.done():
                    future.set_result([e for e in found.get(user_id, []) if e.pk > after_id])


_multiplexers: dict[asyncio.AbstractEventLoop, Multiplexer] = {}


def multiplexer() -> Multiplexer:
    """Return the running loop's multiplexer (created on first use; dropped when its loop is closed)."""
    loop = asyncio.get_running_loop()
    found = _multiplexers.get(loop)
    if found is None:
        for old in [old for old in _multiplexers if old.is_closed()]:
            del _multiplexers[old]
        found = _multiplexers[loop] = Multiplexer(loop)
    return found


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
    """Yield SSE frames for the actor's events after ``after_id`` until ``max_seconds`` have passed.

    Reads the table, then waits for a wake-up signal for the actor (sent when their events are committed,
    in this process or, with Redis or PostgreSQL, in any other) or ``poll_seconds``, whichever is first.
    Sends a ``retry`` hint first and a comment line as a heartbeat when idle; the client reconnects with
    ``Last-Event-ID`` when the stream ends (or the server restarts) and misses nothing, since every event
    is persisted before it is streamed.
    """
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    if actor.user_id is None:
        return
    loop = asyncio.get_running_loop()
    reads = multiplexer()
    last = after_id
    elapsed = 0.0
    idle = 0.0
    with wakeup.subscribe(actor.user_id) as waiter:
        while True:
            waiter.clear()  # a wake-up arriving from now on is kept until the wait below
            batch = await reads.fetch(actor.user_id, last)
            for event in batch:
                last = event.pk
                yield sse_frame(event)
            if batch:
                idle = 0.0
                continue
            if elapsed >= max_seconds:
                return
            started = loop.time()
            await waiter.wait(wakeup.poll_interval(poll_seconds))
            waited = max(loop.time() - started, 0.0)
            elapsed += waited
            idle += waited
            if idle >= heartbeat_seconds:
                idle = 0.0
                yield ": heartbeat\n\n"
