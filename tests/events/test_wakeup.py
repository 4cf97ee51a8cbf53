"""Wake-up signals: a waiting stream sends a new event at once, in-process, over Redis and over PostgreSQL.

Every stream here polls only once an hour, so an event that arrives before the 20-second bound below was
delivered by a wake-up signal, not by polling. The Redis test starts its own ``redis-server`` (it fails,
never skips, when the binary is missing); the PostgreSQL test runs when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.events import wakeup
from chancery.platform.events.models import Event
from chancery.platform.events.services import events_publish
from chancery.platform.events.stream import event_stream
from tests.conftest import actor_of

BOUND_SECONDS = 20.0
HOUR = 3600.0


@pytest.fixture(autouse=True)
def _stop_listeners() -> Iterator[None]:
    yield
    wakeup.stop_listeners()


@given(st.lists(st.integers(min_value=0, max_value=2**62), max_size=300))
def test_payload_round_trip(ids: list[int]) -> None:
    payload = wakeup.encode(ids)
    decoded = wakeup.decode(payload)
    if payload == "*":
        assert decoded is None
    else:
        assert decoded == sorted(set(ids))


@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_payload_decodes_to_ids_or_everyone(raw: str | bytes) -> None:
    decoded = wakeup.decode(raw)
    assert decoded is None or all(isinstance(i, int) for i in decoded)


def test_oversized_payload_wakes_everyone() -> None:
    assert wakeup.encode(range(10_000)) == "*"
    assert wakeup.decode("*") is None


def test_waiters_wake_only_the_named_users() -> None:
    async def run() -> tuple[bool, bool]:
        loop = asyncio.get_running_loop()
        mine, theirs = wakeup.Waiter(loop=loop), wakeup.Waiter(loop=loop)
        wakeup.WAITERS.add(1, mine)
        wakeup.WAITERS.add(2, theirs)
        try:
            threading.Thread(target=wakeup.WAITERS.wake, args=([1],)).start()
            return await mine.wait(BOUND_SECONDS), await theirs.wait(0.05)
        finally:
            wakeup.WAITERS.remove(1, mine)
            wakeup.WAITERS.remove(2, theirs)

    assert async_to_sync(run)() == (True, False)
    assert wakeup.WAITERS.count() == 0


def _publish_in_thread(user: User, n: int) -> threading.Thread:
    def publish() -> None:
        with transaction.atomic():
            events_publish(user_ids=[user.pk], kind="cable.delivered", payload={"n": n})
        connection.close()

    return threading.Thread(target=publish)


def _insert_without_local_signal(user: User, n: int) -> int:
    """Write an event as another process would: the row only, no wake-up in this process."""
    event = Event.objects.create(user=user, kind="cable.delivered", payload={"n": n})
    connection.close()
    return int(event.pk)


async def _next_event_after_signal(actor: Actor, send: Any) -> str:
    """Open a stream polling hourly, wait until it idles, run ``send`` and return the next frame."""
    stream = event_stream(
        actor=actor, after_id=0, poll_seconds=HOUR, heartbeat_seconds=HOUR, max_seconds=HOUR
    ).__aiter__()
    try:
        assert (await stream.__anext__()).startswith("retry:")
        pending = asyncio.ensure_future(stream.__anext__())
        deadline = time.monotonic() + BOUND_SECONDS
        while wakeup.WAITERS.count() == 0 or _listener_not_ready():
            assert time.monotonic() < deadline, "the stream never started waiting"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # the stream has read the (empty) table and waits
        await asyncio.to_thread(send)
        return str(await asyncio.wait_for(pending, BOUND_SECONDS))
    finally:
        await stream.aclose()  # type: ignore[attr-defined]


def _listener_not_ready() -> bool:
    listener = wakeup.ensure_listener()
    return listener is not None and not listener.connected.is_set()


@pytest.mark.django_db(transaction=True)
def test_local_signal_wakes_a_stream_in_the_same_process(settings: Any, desk_officer: User) -> None:
    settings.EVENTS_WAKEUP = "local"

    def send() -> None:
        thread = _publish_in_thread(desk_officer, 1)
        thread.start()
        thread.join()

    frame = async_to_sync(_next_event_after_signal)(actor_of(desk_officer), send)
    assert '"n": 1' in frame


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server on a free port (the test fails, never skips, without one)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: install it (apt-get install redis-server) to run this test")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + BOUND_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_redis_message_from_another_process_wakes_the_stream(settings: Any, desk_officer: User, redis_url: str) -> None:
    settings.REDIS_URL = redis_url
    settings.EVENTS_WAKEUP = "auto"
    assert wakeup.backend() == "redis"

    def send() -> None:
        _insert_without_local_signal(desk_officer, 2)
        import redis

        other_process = redis.Redis.from_url(redis_url)  # as a publisher in another process would
        assert other_process.publish(wakeup.CHANNEL, wakeup.encode([desk_officer.pk])) == 1
        other_process.close()

    frame = async_to_sync(_next_event_after_signal)(actor_of(desk_officer), send)
    assert '"n": 2' in frame


@pytest.mark.django_db(transaction=True)
def test_redis_publish_on_commit(settings: Any, desk_officer: User, redis_url: str) -> None:
    """events_publish sends the Redis message itself (a subscriber in 'another process' receives it)."""
    import redis

    settings.REDIS_URL = redis_url
    settings.EVENTS_WAKEUP = "redis"
    subscriber = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    subscriber.subscribe(wakeup.CHANNEL)
    subscriber.get_message(timeout=1.0)
    with transaction.atomic():
        events_publish(user_ids=[desk_officer.pk], kind="cable.delivered", payload={"n": 3})
        assert subscriber.get_message(timeout=0.2) is None  # nothing before commit
    message = subscriber.get_message(timeout=BOUND_SECONDS)
    assert message is not None
    assert wakeup.decode(message["data"]) == [desk_officer.pk]
    subscriber.close()


def test_unreachable_redis_costs_latency_not_an_error(settings: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"
    wakeup.publish_remote([1], chosen="redis")  # logged, not raised


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_notification_from_another_connection_wakes_the_stream(settings: Any, desk_officer: User) -> None:
    assert connection.vendor == "postgresql"  # deselected elsewhere (tests/conftest.py)
    settings.EVENTS_WAKEUP = "auto"
    settings.REDIS_URL = ""
    assert wakeup.backend() == "postgres"

    def send() -> None:
        import psycopg

        _insert_without_local_signal(desk_officer, 4)
        with psycopg.connect(**wakeup._postgres_target(), autocommit=True) as other_process:
            other_process.execute("SELECT pg_notify(%s, %s)", [wakeup.CHANNEL, wakeup.encode([desk_officer.pk])])

    frame = async_to_sync(_next_event_after_signal)(actor_of(desk_officer), send)
    assert '"n": 4' in frame


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_publish_notifies_after_commit(settings: Any, desk_officer: User) -> None:
    assert connection.vendor == "postgresql"  # deselected elsewhere (tests/conftest.py)
    import psycopg

    settings.EVENTS_WAKEUP = "postgres"
    with psycopg.connect(**wakeup._postgres_target(), autocommit=True) as listener:
        listener.execute(f"LISTEN {wakeup.CHANNEL}")
        with transaction.atomic():
            events_publish(user_ids=[desk_officer.pk], kind="cable.delivered", payload={"n": 5})
        notes = list(listener.notifies(timeout=BOUND_SECONDS, stop_after=1))
    assert [wakeup.decode(n.payload) for n in notes] == [[desk_officer.pk]]


@pytest.mark.django_db
def test_batched_reads_give_each_user_only_their_own_events(desk_officer: User, other_mission_officer: User) -> None:
    from chancery.platform.events.selectors import event_list_after_many

    mine = [Event.objects.create(user=desk_officer, kind="k", payload={"n": n}) for n in range(5)]
    theirs = [Event.objects.create(user=other_mission_officer, kind="k", payload={"n": n}) for n in range(3)]
    after = {desk_officer.pk: mine[1].pk, other_mission_officer.pk: 0}
    assert event_list_after_many(actor=actor_of(desk_officer), after_ids=after) == {}  # system actor only
    system = Actor.system(purpose="events.stream")
    found = event_list_after_many(actor=system, after_ids=after)
    assert found == {desk_officer.pk: mine[2:], other_mission_officer.pk: theirs}
    # A truncated chunk falls back to per-user reads, so nobody is starved by a busy neighbour.
    limited = event_list_after_many(actor=system, after_ids={desk_officer.pk: 0, other_mission_officer.pk: 0}, limit=2)
    assert limited == {desk_officer.pk: mine[:2], other_mission_officer.pk: theirs[:2]}


@pytest.mark.django_db(transaction=True)
def test_streams_woken_together_share_one_query(
    settings: Any, monkeypatch: pytest.MonkeyPatch, desk_officer: User, other_mission_officer: User
) -> None:
    """Two streams woken by one publication are served by a single batched read."""
    from chancery.platform.events import stream as stream_module

    settings.EVENTS_WAKEUP = "local"
    calls: list[list[int]] = []
    original = stream_module.event_list_after_many  # type: ignore[attr-defined]

    def counting(**kwargs: Any) -> Any:
        calls.append(sorted(kwargs["after_ids"]))
        return original(**kwargs)

    monkeypatch.setattr(stream_module, "event_list_after_many", counting)
    actors = [actor_of(desk_officer), actor_of(other_mission_officer)]

    async def run() -> list[str]:
        streams = [
            event_stream(actor=a, after_id=0, poll_seconds=HOUR, heartbeat_seconds=HOUR, max_seconds=HOUR).__aiter__()
            for a in actors
        ]
        try:
            for stream in streams:
                await stream.__anext__()  # retry hint
            pending = [asyncio.ensure_future(s.__anext__()) for s in streams]
            while wakeup.WAITERS.count() < 2:  # noqa: ASYNC110 - the waiters are another module's state
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)
            calls.clear()

            def publish_both() -> None:
                with transaction.atomic():
                    events_publish(user_ids=[desk_officer.pk, other_mission_officer.pk], kind="k", payload={})
                connection.close()

            await asyncio.to_thread(publish_both)
            return [str(await asyncio.wait_for(p, BOUND_SECONDS)) for p in pending]
        finally:
            for stream in streams:
                await stream.aclose()  # type: ignore[attr-defined]

    frames = async_to_sync(run)()
    assert all(frame.startswith("id: ") for frame in frames)
    assert calls[0] == sorted([desk_officer.pk, other_mission_officer.pk])  # both streams, one read
