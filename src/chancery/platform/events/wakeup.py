"""Wake-up signals for the live stream: tell waiting streams "new events for these users" at once.

The ``Event`` table stays the only source of truth (delivery is at least once, resumed by
``Last-Event-ID``); a signal only cuts the wait before the next read. A lost signal costs at most one
poll interval (``EVENTS_POLL_SECONDS``), never an event.

Backends (``EVENTS_WAKEUP``; ``auto`` picks the first that applies):

``redis``
    ``CHANCERY_REDIS_URL`` is set: publishers ``PUBLISH`` the user ids on the ``chancery_events`` channel;
    every server process runs one listener thread subscribed to it.
``postgres``
    The database is PostgreSQL: publishers run ``pg_notify('chancery_events', ids)`` after commit; every
    server process runs one listener thread with its own connection doing ``LISTEN chancery_events``.
``local``
    The embedded default (SQLite): only streams in the publishing process are woken; other processes
    still find the events on their next poll.
``poll``
    No signals at all (the previous behaviour; the benchmark's baseline).

Payloads are a JSON list of user ids (never content); ``"*"`` means "every stream re-reads", sent when the
list would not fit in a PostgreSQL notification.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "chancery_events"
PAYLOAD_MAX = 7000  # PostgreSQL's NOTIFY payload limit is 8000 bytes
BACKENDS = ("auto", "redis", "postgres", "local", "poll")
RECONNECT_SECONDS = 1.0


@dataclass(eq=False)
class Waiter:
    """One waiting stream: its event loop and the asyncio event a wake-up sets."""

    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def clear(self) -> None:
        """Forget earlier wake-ups; call just before reading the table, so none is lost in between."""
        self.event.clear()

    async def wait(self, seconds: float) -> bool:
        """Wait until woken (True) or ``seconds`` pass (False)."""
        try:
            async with asyncio.timeout(seconds):
                await self.event.wait()
        except TimeoutError:
            return False
        return True


class Waiters:
    """The streams of this process waiting for each user's events (thread-safe)."""

    def __init__(self) -> None:
        """Start with nobody waiting."""
        self._lock = threading.Lock()
        self._by_user: dict[int, set[Waiter]] = {}

    def add(self, user_id: int, waiter: Waiter) -> None:
        """Register ``waiter`` for ``user_id``'s events."""
        with self._lock:
            self._by_user.setdefault(user_id, set()).add(waiter)

    def remove(self, user_id: int, waiter: Waiter) -> None:
        """Unregister ``waiter`` (the stream ended)."""
        with self._lock:
            waiting = self._by_user.get(user_id)
            if waiting is not None:
                waiting.discard(waiter)
                if not waiting:
                    del self._by_user[user_id]

    def count(self) -> int:
        """Return how many streams wait (for tests and diagnostics)."""
        with self._lock:
            return sum(len(w) for w in self._by_user.values())

    def wake(self, user_ids: Iterable[int] | None) -> int:
        """Wake the streams of ``user_ids`` (every stream when None), from any thread; return how many."""
        with self._lock:
            if user_ids is None:
                targets = [w for waiting in self._by_user.values() for w in waiting]
            else:
                targets = [w for uid in set(user_ids) for w in self._by_user.get(uid, ())]
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Event]] = {}
        for waiter in targets:
            by_loop.setdefault(waiter.loop, []).append(waiter.event)
        for loop, events in by_loop.items():  # one callback per loop: its streams resume together
            try:
                loop.call_soon_threadsafe(_set_all, events)
            except RuntimeError:  # the loop has closed; its streams are being removed
                continue
        return len(targets)


def _set_all(events: list[asyncio.Event]) -> None:
    for event in events:
        event.set()


WAITERS = Waiters()


def backend() -> str:
    """Return the wake-up backend in use: ``redis``, ``postgres``, ``local`` or ``poll`` (see the module)."""
    chosen = str(getattr(settings, "EVENTS_WAKEUP", "auto"))
    if chosen != "auto":
        return chosen
    if getattr(settings, "REDIS_URL", ""):
        return "redis"
    from django.db import connection

    if connection.vendor == "postgresql":
        return "postgres"
    return "local"


def encode(user_ids: Iterable[int]) -> str:
    """Return the signal payload for ``user_ids``: a JSON list, or ``"*"`` when it would be too long."""
    text = json.dumps(sorted({int(u) for u in user_ids}), separators=(",", ":"))
    return text if len(text) <= PAYLOAD_MAX else "*"


def decode(payload: str | bytes) -> list[int] | None:
    """Return the user ids in a signal payload; None ("wake everyone") for ``"*"`` or anything malformed."""
    try:
        value = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return None
    return [int(v) for v in value]


# --- Publishing -----------------------------------------------------------------------------------------


_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _redis_client(url: str) -> Any:
    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            import redis

            from chancery.platform.tls import redis_tls_options

            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, **redis_tls_options(url))
            _redis_clients[url] = client
        return client


def publish_remote(user_ids: Iterable[int], *, chosen: str | None = None) -> None:
    """Send the cross-process signal for ``user_ids`` (Redis ``PUBLISH`` or ``pg_notify``); never raises.

    Needs committed events (call it after commit). A failure is logged (without payload) and costs at
    most one poll interval.
    """
    kind = chosen or backend()
    payload = encode(user_ids)
    try:
        if kind == "redis":
            _redis_client(settings.REDIS_URL).publish(CHANNEL, payload)
        elif kind == "postgres":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
    except Exception:  # noqa: BLE001 - a lost signal is only latency; the event is persisted
        logger.warning("live-event wake-up via %s failed; streams will find the events on their next poll", kind)


def signal(user_ids: Iterable[int]) -> None:
    """Wake the streams of ``user_ids``: those of this process directly, the others through the backend.

    Needs the events to be committed already (``events_publish`` calls it from its on-commit hook).
    Emits a Redis message or a PostgreSQL notification when one of those backends is in use.
    """
    kind = backend()
    if kind == "poll":
        return
    recipients = list(user_ids)
    WAITERS.wake(recipients)
    if kind in {"redis", "postgres"}:
        publish_remote(recipients, chosen=kind)


# --- Listening (one thread per process and backend) ------------------------------------------------------


class Listener(threading.Thread):
    """A daemon thread that turns Redis messages or PostgreSQL notifications into local wake-ups."""

    def __init__(self, kind: str, target: str | dict[str, Any]) -> None:
        """Prepare to listen with ``kind`` (``redis`` or ``postgres``) at ``target`` (URL or connection kwargs)."""
        super().__init__(name=f"events-wakeup-{kind}", daemon=True)
        self.kind = kind
        self.target = target
        self.stopping = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        """Listen until stopped, reconnecting after failures (and waking every stream on each reconnect)."""
        while not self.stopping.is_set():
            try:
                if self.kind == "redis":
                    self._listen_redis()
                else:
                    self._listen_postgres()
            except Exception:  # noqa: BLE001 - keep listening; streams still poll meanwhile
                logger.warning("live-event %s listener lost its connection; reconnecting", self.kind)
            self.connected.clear()
            self.stopping.wait(RECONNECT_SECONDS)

    def _connected(self) -> None:
        self.connected.set()
        WAITERS.wake(None)  # signals may have been missed while (re)connecting: everyone re-reads

    def _listen_redis(self) -> None:
        import redis

        from chancery.platform.tls import redis_tls_options

        client = redis.Redis.from_url(
            str(self.target),
            socket_connect_timeout=2,
            health_check_interval=30,
            **redis_tls_options(str(self.target)),
        )
        try:
            pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
            pubsub.subscribe(CHANNEL)
            self._connected()
            while not self.stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    WAITERS.wake(decode(message["data"]))
            pubsub.close()
        finally:
            client.close()

    def _listen_postgres(self) -> None:
        import psycopg

        assert isinstance(self.target, dict)
        with psycopg.connect(**self.target, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._connected()
            while not self.stopping.is_set():
                for notify in connection.notifies(timeout=1.0):
                    WAITERS.wake(decode(notify.payload))


_listeners: dict[tuple[str, str], Listener] = {}
_listeners_lock = threading.Lock()


def _postgres_target() -> dict[str, Any]:
    from django.db import connection

    params = connection.settings_dict
    target: dict[str, Any] = {"dbname": params["NAME"]}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if params.get(key):
            target[name] = params[key]
    return target


def ensure_listener() -> Listener | None:
    """Start this process's listener for the configured backend if it is not running; return it.

    None for ``local`` and ``poll``. Needs nothing else; safe to call from any thread, any number of times.
    """
    kind = backend()
    if kind not in {"redis", "postgres"}:
        return None
    target: str | dict[str, Any] = settings.REDIS_URL if kind == "redis" else _postgres_target()
    key = (kind, json.dumps(target, sort_keys=True, default=str))
    with _listeners_lock:
        listener = _listeners.get(key)
        if listener is None or not listener.is_alive():
            listener = Listener(kind, target)
            _listeners[key] = listener
            listener.start()
        return listener


def stop_listeners() -> None:
    """Stop every listener thread of this process (tests, and processes that shut down cleanly)."""
    with _listeners_lock:
        running = list(_listeners.values())
        _listeners.clear()
    for listener in running:
        listener.stopping.set()
    for listener in running:
        listener.join(timeout=5)


SAFETY_POLL_FACTOR = 15


def poll_interval(base_seconds: float) -> float:
    """Return how long a stream waits between table reads when no signal comes.

    ``base_seconds`` (``EVENTS_POLL_SECONDS``) with ``local`` or ``poll`` signals (other processes are
    only seen by polling); fifteen times longer while this process's Redis or PostgreSQL listener is
    connected (signals then cover every process, and the poll is only a safety net).
    """
    if backend() not in {"redis", "postgres"}:
        return base_seconds
    with _listeners_lock:
        connected = any(listener.connected.is_set() for listener in _listeners.values())
    return base_seconds * SAFETY_POLL_FACTOR if connected else base_seconds


@contextmanager
def subscribe(user_id: int) -> Iterator[Waiter]:
    """Register the calling stream (inside its event loop) for ``user_id``'s wake-ups until the block ends.

    Starts the process's listener when Redis or PostgreSQL is in use.
    """
    waiter = Waiter(loop=asyncio.get_running_loop())
    WAITERS.add(user_id, waiter)
    try:
        ensure_listener()
        yield waiter
    finally:
        WAITERS.remove(user_id, waiter)
