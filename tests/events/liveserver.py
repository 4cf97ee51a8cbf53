"""A real ASGI server (uvicorn subprocess) over a private SQLite database, and an SSE client that resumes.

Used by ``test_server_restart.py`` and by ``bench/events_bench.py``. Everything runs on 127.0.0.1; other
processes write to the same database through ``python -m chancery manage shell`` as another server
process or a worker would.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0

SETUP_USERS = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from tests.factories import MissionFactory, OrganisationFactory
User = get_user_model()
ministry = OrganisationFactory(code="mfa-live", kind="ministry")
missions = [MissionFactory(code=f"emb-live-{{i}}", parent=ministry) for i in range({missions})]
def person(username, role, organisation):
    user = User(username=username, role=role, organisation=organisation, clearance=10, first_name="Live")
    user.set_unusable_password()
    user.save()
    return user
person("live-drafter", "desk_officer", ministry)
person("live-approver", "administrator", ministry)
backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
users = []
for n in range({count}):
    user = person(f"live-{{n}}", "mission_officer", missions[n % len(missions)])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    users.append({{"id": user.pk, "session": store.session_key}})
print("RESULT" + json.dumps({{"cookie": settings.SESSION_COOKIE_NAME, "users": users,
                             "missions": [m.code for m in missions]}}))
"""

PUBLISH = """
from django.db import transaction
from chancery.platform.events.services import events_publish
for n in {numbers!r}:
    with transaction.atomic():
        events_publish(user_ids={user_ids!r}, kind="notification", payload={{"n": n}})
"""


@dataclass
class Site:
    """One private installation: its var directory, environment and the users created in it."""

    var_dir: Path
    env: dict[str, str]
    cookie: str = ""
    users: list[dict[str, Any]] = field(default_factory=list)
    missions: list[str] = field(default_factory=list)

    def shell(self, code: str, *, timeout: float = 300) -> str:
        """Run ``code`` in ``python -m chancery manage shell`` (another process) and return its output."""
        command = [sys.executable, "-m", "chancery", "manage", "shell", "-c", code]
        done = subprocess.run(
            command, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            message = f"shell failed ({done.returncode}):\n{done.stderr[-3000:]}"
            raise RuntimeError(message)
        return done.stdout

    def publish(self, numbers: list[int], user_ids: list[int]) -> None:
        """Publish one ``notification`` event per number to ``user_ids`` from another process."""
        self.shell(PUBLISH.format(numbers=numbers, user_ids=user_ids))


def free_port() -> int:
    """Return a loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_site(var_dir: Path, *, users: int = 1, missions: int = 1, extra_env: dict[str, str] | None = None) -> Site:
    """Migrate a fresh SQLite database in ``var_dir`` and create ``users`` signed-in mission officers."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CHANCERY_VAR_DIR": str(var_dir),
        "CHANCERY_SECRET_KEY": secrets.token_urlsafe(48),
        "CHANCERY_SECURE_COOKIES": "0",
        "CHANCERY_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "chancery.config.settings",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        **(extra_env or {}),
    }
    env.pop("CHANCERY_DATABASE_URL", None)
    site = Site(var_dir=var_dir, env=env)
    command = [sys.executable, "-m", "chancery", "manage", "migrate", "--noinput", "-v", "0"]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    output = site.shell(SETUP_USERS.format(count=users, missions=missions))
    result = json.loads(output.split("RESULT", 1)[1])
    site.cookie, site.users, site.missions = result["cookie"], result["users"], result["missions"]
    return site


@contextmanager
def server(site: Site, port: int, *, extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run uvicorn with Chancery's ASGI application on ``port`` until the block ends (then SIGKILL)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "chancery.config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "30",
    ]
    log = (site.var_dir / f"server-{port}.log").open("ab")
    process = subprocess.Popen(
        command, env={**site.env, **(extra_env or {})}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = f"uvicorn did not start (exit {process.poll()})"
                    raise RuntimeError(message) from None
                time.sleep(0.1)
        yield process
    finally:
        kill(process)
        log.close()


def kill(process: subprocess.Popen[bytes]) -> None:
    """Stop the server abruptly (SIGKILL: no graceful close of open streams, as in a crash)."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class Received:
    """One SSE event as a client received it (``at`` is ``time.time()`` on arrival)."""

    id: int
    kind: str
    data: dict[str, Any]
    at: float


class ResumingClient(threading.Thread):
    """An SSE client that keeps ``/events/stream`` open and reconnects with ``Last-Event-ID`` after any drop."""

    def __init__(self, base_url: str, cookie: tuple[str, str], *, last_event_id: int = 0) -> None:
        """Prepare to read ``base_url``'s stream with the session cookie, resuming after ``last_event_id``."""
        super().__init__(daemon=True)
        self.base_url = base_url
        self.cookie = cookie
        self.last_event_id = last_event_id
        self.received: list[Received] = []
        self.connections = 0
        self.stopping = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        """Read until stopped, reconnecting after errors and stream ends."""
        while not self.stopping.is_set():
            with contextlib.suppress(httpx.HTTPError, OSError):
                self._read_once()
            self.connected.clear()
            self.stopping.wait(0.2)

    def _read_once(self) -> None:
        headers = {"Last-Event-ID": str(self.last_event_id), "Accept": "text/event-stream"}
        cookies = {self.cookie[0]: self.cookie[1]}
        timeout = httpx.Timeout(5.0, read=30.0)
        with (
            httpx.Client(base_url=self.base_url, cookies=cookies, timeout=timeout) as client,
            client.stream("GET", "/events/stream", headers=headers) as response,
        ):
            if response.status_code != 200:
                return
            self.connections += 1
            self.connected.set()
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                if self.stopping.is_set():
                    return
                if line == "":
                    self._dispatch(fields)
                    fields = {}
                elif not line.startswith(":") and ":" in line:
                    name, value = line.split(":", 1)
                    fields[name] = value.removeprefix(" ")

    def _dispatch(self, fields: dict[str, str]) -> None:
        if "id" not in fields or "data" not in fields:
            return
        event_id = int(fields["id"])
        self.received.append(
            Received(id=event_id, kind=fields.get("event", ""), data=json.loads(fields["data"]), at=time.time())
        )
        self.last_event_id = max(self.last_event_id, event_id)

    def stop(self) -> None:
        """Stop reading (the current connection ends at its next line)."""
        self.stopping.set()


def wait_until(condition: Any, *, timeout: float, message: str) -> None:
    """Poll ``condition()`` every 50 ms until true; raise AssertionError with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.05)
