"""Done-when: restarting the server while a client is connected loses no event.

The real ASGI server (uvicorn, a subprocess over a private SQLite database) serves ``/events/stream`` to a
connected client. Events are published by other processes before the crash, while the server is down and
after it is back; the server is killed (SIGKILL) and restarted on the same port. The client reconnects by
itself with ``Last-Event-ID`` and, after de-duplicating by id, has every event exactly once, in order.
"""

from __future__ import annotations

from pathlib import Path

from tests.events.liveserver import ResumingClient, free_port, kill, prepare_site, server, wait_until

BOUND_SECONDS = 60.0


def test_server_restart_loses_no_event(tmp_path: Path) -> None:
    site = prepare_site(tmp_path / "var")
    user = site.users[0]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    client = ResumingClient(base_url, (site.cookie, user["session"]))
    try:
        with server(site, port) as first:
            client.start()
            wait_until(client.connected.is_set, timeout=BOUND_SECONDS, message="the client never connected")
            site.publish([1, 2, 3], [user["id"]])
            wait_until(lambda: len(client.received) >= 3, timeout=BOUND_SECONDS, message="events before the crash")
            kill(first)  # the client is still connected when the server dies
        assert client.connections == 1
        site.publish([4, 5, 6], [user["id"]])  # written while no server runs
        with server(site, port):
            site.publish([7, 8], [user["id"]])
            wait_until(lambda: len({r.id for r in client.received}) >= 8, timeout=BOUND_SECONDS, message="resume")
    finally:
        client.stop()
    assert client.connections >= 2  # it did reconnect
    unique: dict[int, int] = {}
    for received in client.received:
        unique.setdefault(received.id, received.data["payload"]["n"])
    assert list(unique.values()) == [1, 2, 3, 4, 5, 6, 7, 8]  # each exactly once, in publication order
    assert list(unique) == sorted(unique)
