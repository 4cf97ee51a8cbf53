"""The live event stream: persisted events, own stream only, and Last-Event-ID resume without loss."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import AsyncClient

from chancery.identity.models import User
from chancery.platform.events.models import Event
from chancery.platform.events.selectors import event_last_id, event_list_after
from chancery.platform.events.services import events_publish
from chancery.platform.events.stream import parse_last_event_id, sse_frame
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _short_streams(settings: Any) -> None:
    """End each stream after its first idle poll, as a server restart would."""
    settings.EVENTS_POLL_SECONDS = 0.01
    settings.EVENTS_STREAM_MAX_SECONDS = 0.0


def _publish(user: User, kind: str, n: int) -> None:
    with transaction.atomic():
        events_publish(user_ids=[user.pk], kind=kind, payload={"n": n})


def _stream(
    user: User | None, *, last_event_id: str | None = None, query: str = ""
) -> tuple[int, list[dict[str, Any]]]:
    client = AsyncClient()
    if user is not None:
        client.force_login(user)
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}

    async def read() -> tuple[int, str]:
        response = await client.get(f"/events/stream{query}", headers=headers)
        if not response.streaming:
            return response.status_code, ""
        chunks = [chunk async for chunk in response.streaming_content]
        return response.status_code, b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()

    status, body = async_to_sync(read)()
    frames = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "id" in fields:
            frames.append({"id": int(fields["id"]), "event": fields["event"], **json.loads(fields["data"])})
    return status, frames


def test_publish_writes_on_commit_only(desk_officer: User) -> None:
    def publish_then_fail() -> None:
        with transaction.atomic():
            events_publish(user_ids=[desk_officer.pk], kind="cable.delivered", payload={"cable_id": 1})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert Event.objects.count() == 0
    _publish(desk_officer, "cable.delivered", 1)
    assert list(Event.objects.values_list("kind", flat=True)) == ["cable.delivered"]


def test_a_user_reads_only_their_own_events(desk_officer: User, other_mission_officer: User) -> None:
    _publish(desk_officer, "mine", 1)
    _publish(other_mission_officer, "theirs", 2)
    assert [e.kind for e in event_list_after(actor=actor_of(desk_officer), after_id=0)] == ["mine"]
    _, frames = _stream(desk_officer, last_event_id="0")
    assert [f["event"] for f in frames] == ["mine"]


def test_anonymous_is_sent_to_sign_in() -> None:
    status, frames = _stream(None)
    assert status == 302
    assert frames == []


def test_fresh_stream_starts_after_the_newest_event(desk_officer: User) -> None:
    _publish(desk_officer, "old", 1)
    status, frames = _stream(desk_officer)
    assert status == 200
    assert frames == []


def test_restart_loses_nothing_and_repeats_nothing(desk_officer: User) -> None:
    """A client reads, the server goes away, events keep coming, the client resumes with Last-Event-ID."""
    first_id = event_last_id(actor=actor_of(desk_officer))
    _publish(desk_officer, "cable.delivered", 1)
    _publish(desk_officer, "cable.acknowledged", 2)
    _, before = _stream(desk_officer, last_event_id=str(first_id))
    assert [f["payload"]["n"] for f in before] == [1, 2]
    # The stream ended (server restart); meanwhile three more events were published.
    for n in (3, 4, 5):
        _publish(desk_officer, "cable.delivered", n)
    _, after = _stream(desk_officer, last_event_id=str(before[-1]["id"]))
    assert [f["payload"]["n"] for f in after] == [3, 4, 5]
    assert [f["id"] for f in after] == sorted(f["id"] for f in after)
    assert {f["id"] for f in before}.isdisjoint(f["id"] for f in after)


def test_resume_point_from_query_when_header_absent_or_malformed(desk_officer: User) -> None:
    _publish(desk_officer, "a", 1)
    _publish(desk_officer, "b", 2)
    first = Event.objects.order_by("id").first()
    assert first is not None
    _, frames = _stream(desk_officer, last_event_id="not-a-number", query=f"?last_event_id={first.pk}")
    assert [f["event"] for f in frames] == ["b"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), (" 7 ", 7), ("-1", None), ("x", None), ("", None), (None, None)]
)
def test_parse_last_event_id(raw: str | None, expected: int | None) -> None:
    assert parse_last_event_id(raw) == expected


def test_frame_format(desk_officer: User) -> None:
    event = Event.objects.create(user=desk_officer, kind="cable.delivered", payload={"cable_id": 3})
    frame = sse_frame(event)
    assert frame.startswith(f"id: {event.pk}\nevent: cable.delivered\ndata: ")
    assert frame.endswith("\n\n")
    assert json.loads(frame.split("data: ", 1)[1]) == {
        "id": event.pk,
        "kind": "cable.delivered",
        "payload": {"cable_id": 3},
    }
