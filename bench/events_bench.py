"""Live delivery with N connected event-stream clients: FLASH release → arrival latency, and loss across a restart.

    .venv/bin/python bench/events_bench.py [--clients 300] [--cables 5]

One uvicorn process serves ``/events/stream`` over a private SQLite database to N signed-in mission
officers (asyncio + httpx, one connection each). FLASH cables addressed for action to their missions are
drafted and released by another process (``chancery manage shell``, through the real services), which
records the time just before ``cable_release``; each client records when its ``cable.delivered`` event
arrives. Two modes in the same run:

* ``poll``  — the baseline: streams re-read the table every ``EVENTS_POLL_SECONDS`` (1 s), no signal;
* ``redis`` — wake-up signals over Redis pub/sub (``CHANCERY_REDIS_URL``; needs a Redis on 127.0.0.1:6379,
  database 15 is used), the multi-process path.

Then, in ``redis`` mode: events are published, the server is killed (SIGKILL) with every client connected,
more are published while it is down, it is restarted, more are published; each client resumes with
``Last-Event-ID`` and the events it never received are counted as lost (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.events.liveserver import Site, free_port, kill, prepare_site, server  # noqa: E402

RELEASE = """
import json, time
from django.contrib.auth import get_user_model
from chancery.cables.content import CableContent, ParagraphIn
from chancery.cables.services import cable_create, cable_release, cable_submit
from chancery.platform.actor import Actor
User = get_user_model()
drafter = Actor.from_user(User.objects.get(username="live-drafter"))
approver = Actor.from_user(User.objects.get(username="live-approver"))
released = []
for n in range({count}):
    content = CableContent(subject=f"Bench FLASH {{n}}", classification=10, precedence="FLASH",
                           paragraphs=[ParagraphIn(10, "Benchmark traffic.")], action_codes={missions!r})
    cable = cable_create(actor=drafter, content=content)
    cable_submit(actor=drafter, cable_id=cable.pk)
    time.sleep({gap})
    started = time.time()
    cable_release(actor=approver, cable_id=cable.pk)
    released.append({{"cable_id": cable.pk, "t0": started, "t1": time.time()}})
print("RESULT" + json.dumps(released))
"""


class Client:
    """One connected browser stand-in: reads its stream, reconnects with Last-Event-ID after any drop."""

    def __init__(self, base_url: str, cookie: tuple[str, str]) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.last_id = 0
        self.seen: dict[int, tuple[str, dict[str, Any], float]] = {}
        self.connected = asyncio.Event()

    async def run(self, http: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                headers = {"Last-Event-ID": str(self.last_id), "Cookie": f"{self.cookie[0]}={self.cookie[1]}"}
                async with http.stream("GET", f"{self.base_url}/events/stream", headers=headers) as response:
                    if response.status_code != 200:
                        await asyncio.sleep(0.5)
                        continue
                    self.connected.set()
                    fields: dict[str, str] = {}
                    async for line in response.aiter_lines():
                        if line == "":
                            self._dispatch(fields)
                            fields = {}
                        elif not line.startswith(":") and ":" in line:
                            name, value = line.split(":", 1)
                            fields[name] = value.removeprefix(" ")
            except (httpx.HTTPError, OSError):
                pass
            self.connected.clear()
            await asyncio.sleep(0.5)

    def _dispatch(self, fields: dict[str, str]) -> None:
        if "id" in fields and "data" in fields:
            event_id = int(fields["id"])
            if event_id not in self.seen:
                self.seen[event_id] = (fields.get("event", ""), json.loads(fields["data"]), time.time())
            self.last_id = max(self.last_id, event_id)


async def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _connect_all(site: Site, base_url: str) -> tuple[list[Client], asyncio.Event, list[asyncio.Task[None]], Any]:
    limits = httpx.Limits(max_connections=len(site.users) + 10, max_keepalive_connections=0)
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=90.0), limits=limits)
    clients = [Client(base_url, (site.cookie, u["session"])) for u in site.users]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(http, stop)) for c in clients]
    ok = await _wait(lambda: all(c.connected.is_set() for c in clients), 120)
    if not ok:
        print(f"  only {sum(c.connected.is_set() for c in clients)} of {len(clients)} clients connected")
    return clients, stop, tasks, http


async def _close(stop: asyncio.Event, tasks: list[asyncio.Task[None]], http: Any) -> None:
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await http.aclose()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure_latency(site: Site, mode_env: dict[str, str], cables: int) -> tuple[list[float], list[float]]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with server(site, port, extra_env=mode_env):
        clients, stop, tasks, http = await _connect_all(site, base_url)
        await asyncio.sleep(1.0)
        shell_site = Site(var_dir=site.var_dir, env={**site.env, **mode_env})
        code = RELEASE.format(count=cables, missions=site.missions, gap=0.7)
        output = await asyncio.to_thread(shell_site.shell, code)
        released = json.loads(output.split("RESULT", 1)[1])
        wanted = {r["cable_id"]: r["t0"] for r in released}
        release_calls = [r["t1"] - r["t0"] for r in released]

        def arrivals() -> list[float]:
            found = []
            for client in clients:
                for kind, data, at in client.seen.values():
                    if kind == "cable.delivered" and data["payload"]["cable_id"] in wanted:
                        found.append(at - wanted[data["payload"]["cable_id"]])
            return found

        await _wait(lambda: len(arrivals()) >= len(clients) * len(wanted), 60)
        latencies = arrivals()
        await _close(stop, tasks, http)
    expected = len(clients) * len(wanted)
    if len(latencies) != expected:
        print(f"  warning: {len(latencies)} of {expected} deliveries arrived within 60 s")
    return latencies, release_calls


async def measure_restart_loss(site: Site, mode_env: dict[str, str], per_phase: int) -> tuple[int, int, int]:
    """Return (expected deliveries, lost, duplicates received) across a SIGKILL restart."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    user_ids = [u["id"] for u in site.users]
    shell_site = Site(var_dir=site.var_dir, env={**site.env, **mode_env})
    numbers = iter(range(1, 3 * per_phase + 1))
    with server(site, port, extra_env=mode_env) as first:
        clients, stop, tasks, http = await _connect_all(site, base_url)
        await asyncio.to_thread(shell_site.publish, [next(numbers) for _ in range(per_phase)], user_ids)
        await asyncio.sleep(1.0)
        kill(first)
    await asyncio.to_thread(shell_site.publish, [next(numbers) for _ in range(per_phase)], user_ids)
    with server(site, port, extra_env=mode_env):
        await asyncio.to_thread(shell_site.publish, [next(numbers) for _ in range(per_phase)], user_ids)

        def complete() -> bool:
            return all(
                sum(1 for kind, _d, _a in c.seen.values() if kind == "notification") >= 3 * per_phase for c in clients
            )

        await _wait(complete, 120)
        await _close(stop, tasks, http)
    expected = len(clients) * 3 * per_phase
    received = 0
    for client in clients:
        numbers_seen = [d["payload"]["n"] for kind, d, _a in client.seen.values() if kind == "notification"]
        received += len(set(numbers_seen))
    return expected, expected - received, 0


def _report(name: str, measured: tuple[list[float], list[float]]) -> dict[str, float]:
    latencies, release_calls = measured
    ms = [v * 1000 for v in latencies]
    figures = {
        "p50": statistics.median(ms) if ms else float("nan"),
        "p95": _percentile(ms, 0.95) if ms else float("nan"),
        "max": max(ms) if ms else float("nan"),
    }
    print(
        f"  {name:<6} deliveries={len(ms):>5}  p50={figures['p50']:8.1f} ms  p95={figures['p95']:8.1f} ms  "
        f"max={figures['max']:8.1f} ms  (release call itself: median "
        f"{statistics.median(release_calls) * 1000:.0f} ms, commit and on-commit work included)"
    )
    return figures


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="chancery-events-bench-") as folder:
        print(f"preparing {args.clients} signed-in users in 3 missions (private SQLite database)...")
        site = prepare_site(Path(folder) / "var", users=args.clients, missions=3)
        redis_env = {"CHANCERY_REDIS_URL": args.redis_url, "CHANCERY_EVENTS_WAKEUP": "redis"}
        poll_env = {"CHANCERY_EVENTS_WAKEUP": "poll"}
        print(f"{args.clients} clients connected to one uvicorn process; {args.cables} FLASH cables per mode")
        baseline = _report("poll", await measure_latency(site, poll_env, args.cables))
        woken = _report("redis", await measure_latency(site, redis_env, args.cables))
        print(f"  p50 ratio poll/redis: {baseline['p50'] / woken['p50']:.1f}x")
        expected, lost, _dup = await measure_restart_loss(site, redis_env, args.per_phase)
        print(f"restart (SIGKILL) with {args.clients} clients connected: {expected} deliveries expected, lost={lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--cables", type=int, default=5)
    parser.add_argument("--per-phase", type=int, default=3, help="events published before, during, after the restart")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
