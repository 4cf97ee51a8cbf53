"""Drive the real demo server and Debian's Chromium: start, sign in, crawl, weigh.

Used by the browser tests (through ``conftest.py``) and by ``bench/page_weight.py``. Django must be
configured before :func:`TotpClock.code_for` is called (it uses allauth's TOTP helpers).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Response
from playwright.sync_api import Error as PlaywrightError

from tests.http.pages import same_origin_links

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 180
PAGE_BUDGET_BYTES = 250 * 1000
ERROR_PATH = "/no-such-page/"


class DemoError(RuntimeError):
    """The demo server or a sign-in did not behave."""


@dataclass(frozen=True)
class DemoUser:
    """One demo login as the seed writes it to ``<var>/demo-credentials.json``."""

    username: str
    password: str
    totp_secret: str | None
    role: str
    clearance: str
    organisation: str


@dataclass(frozen=True)
class DemoServer:
    """The running demo: its address and its users."""

    base_url: str
    users: tuple[DemoUser, ...]
    var_dir: Path
    witness_url: str

    def roles(self) -> list[DemoUser]:
        """Return one demo user per role, in the seed's order."""
        seen: dict[str, DemoUser] = {}
        for candidate in self.users:
            seen.setdefault(candidate.role, candidate)
        return list(seen.values())


def load_demo_users(path: Path) -> tuple[DemoUser, ...]:
    """Read the credentials file the seed writes (``chancery.demo.credentials``: a JSON list of logins)."""
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        DemoUser(
            username=str(entry["username"]),
            password=str(entry["password"]),
            totp_secret=entry.get("totp_secret") or None,
            role=str(entry.get("role", "")),
            clearance=str(entry.get("clearance", "")),
            organisation=str(entry.get("organisation", "")),
        )
        for entry in entries
    )


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def demo_running(var_dir: Path) -> Iterator[DemoServer]:
    """Run ``python -m chancery demo --port <free port>`` with ``CHANCERY_VAR_DIR=var_dir`` until exit.

    Waits at most STARTUP_SECONDS (a first start migrates and seeds) for the port to answer; stops the whole
    process group (server and worker) after.
    """
    port = free_port()
    witness_port = free_port()
    log_path = var_dir / "demo.log"
    env = {
        **os.environ,
        "CHANCERY_VAR_DIR": str(var_dir),
        # Each pytest worker runs its own demo: its local stand-ins must not share ports with another's.
        "CHANCERY_DEMO_FEED_PORT": str(free_port()),
        "CHANCERY_DEMO_MASTODON_PORT": str(free_port()),
        "CHANCERY_DEMO_BLUESKY_PORT": str(free_port()),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "chancery", "demo", "--port", str(port), "--witness-port", str(witness_port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _port_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                message = f"the demo server did not start (exit code {process.poll()}):\n{output}"
                raise DemoError(message)
            time.sleep(0.25)
        credentials = var_dir / "demo-credentials.json"
        if not credentials.is_file():
            message = f"the demo seed wrote no {credentials.name}"
            raise DemoError(message)
        yield DemoServer(
            base_url=f"http://127.0.0.1:{port}",
            users=load_demo_users(credentials),
            var_dir=var_dir,
            witness_url=f"http://127.0.0.1:{witness_port}",
        )
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium by path (Playwright downloads nothing)."""
    if not Path(CHROMIUM).is_file():
        message = f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        raise DemoError(message)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser: Browser, *, state: Path | None = None, **options: Any) -> BrowserContext:
    """Open a fresh (uncached) context, Vietnamese by default, optionally with a saved session."""
    options.setdefault("locale", "vi-VN")
    options.setdefault("accept_downloads", False)
    context = browser.new_context(storage_state=state, **options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


TOTP_PERIOD_S = 30  # allauth's default period; its tolerance is 0, so a code is good until its period ends
TOTP_MARGIN_S = 5  # a code handed out later than this in its period could expire before the server checks it


class TotpClock:
    """Hand out TOTP codes, waiting for the next period rather than reusing one (the server refuses reuse).

    A code is never handed out in the last :data:`TOTP_MARGIN_S` seconds of its period: on a loaded machine the
    sign-in could reach the server after the period ended, and the server (tolerance 0) would refuse it.
    """

    def __init__(self) -> None:
        self._used: set[tuple[str, str]] = set()

    def code_for(self, user: DemoUser) -> str:
        """Return a code for ``user`` not submitted before by this clock (waits up to 40 s for one)."""
        from tests.conftest import current_totp_code

        if not user.totp_secret:
            message = f"{user.username} has no TOTP secret"
            raise DemoError(message)
        for _ in range(80):
            left = TOTP_PERIOD_S - time.time() % TOTP_PERIOD_S
            if left < TOTP_MARGIN_S:
                time.sleep(left + 0.1)
                continue
            code = current_totp_code(user.totp_secret)
            if (user.username, code) not in self._used:
                self._used.add((user.username, code))
                return code
            time.sleep(0.5)
        message = "no fresh TOTP code within 40 seconds"
        raise DemoError(message)


def submit_password(page: Page, server: DemoServer, user: DemoUser) -> None:
    """Open the sign-in page and submit ``user``'s username and password."""
    page.goto(f"{server.base_url}/accounts/login/")
    page.locator("input[name=login]").fill(user.username)
    page.locator("input[name=password]").fill(user.password)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()


def submit_totp(page: Page, user: DemoUser, clock: TotpClock) -> None:
    """Fill the second-factor form with a fresh TOTP code and submit it."""
    page.locator("input[name=code]").fill(clock.code_for(user))
    page.locator("form:has(input[name=code]) [type=submit]").first.click()
    page.wait_for_load_state()


def sign_in(page: Page, server: DemoServer, user: DemoUser, clock: TotpClock) -> None:
    """Sign ``user`` in through the pages (password, then TOTP when asked); raise unless on the dashboard."""
    submit_password(page, server, user)
    if page.locator("input[name=code]").count():
        submit_totp(page, user, clock)
    if page.url.rstrip("/") != server.base_url:
        message = f"{user.username} ended on {page.url}, not the dashboard"
        raise DemoError(message)


# Links that serve files (exports, downloads, calendar feeds) rather than pages: never navigated to.
NOT_PAGES = re.compile(r"(/download/|/export|\.csv|\.ics|/feed|/calendar/.+|/events/stream)")
PAGE_TIMEOUT_MS = 20_000


def crawl(context: BrowserContext, base_url: str, start: list[str], *, limit: int = 40) -> list[tuple[str, int]]:
    """Visit ``start`` then same-origin links breadth-first (GET only; never sign-out); return (path, status)."""
    page = context.new_page()
    queue = list(start)
    seen = set(queue)
    visited: list[tuple[str, int]] = []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        try:
            response = page.goto(base_url + path)
        except PlaywrightError:  # a download (CSV export …) is not a page
            continue
        final = page.url.removeprefix(base_url) or "/"
        if response is None or any(final == done for done, _ in visited):
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        visited.append((final, response.status))
        for link in same_origin_links(page.content(), page_url=page.url, origin=base_url):
            if link not in seen and not NOT_PAGES.search(link):
                seen.add(link)
                queue.append(link)
    page.close()
    return visited


@dataclass(frozen=True)
class Weight:
    """What loading one page uncached cost: bytes of every response body, and the URLs fetched."""

    total_bytes: int
    urls: tuple[str, ...]


def page_weight(browser: Browser, url: str, *, state: Path | None = None) -> Weight:
    """Load ``url`` in a fresh (uncached) context; sum the bodies of the document and every subresource."""
    context = new_context(browser, state=state)
    # The live event stream is a long-lived connection, not part of what a page weighs: keep it closed.
    context.route("**/events/stream**", lambda route: route.abort())
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))  # noqa: PLW0108 - Playwright needs a Python function
    page.goto(url)
    page.wait_for_load_state("load")
    total = 0
    for response in responses:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            continue
        try:
            total += len(response.body())
        except PlaywrightError:  # a redirect has no body
            continue
    context.close()
    return Weight(total_bytes=total, urls=tuple(response.url for response in responses))


def site_map(browser: Browser, server: DemoServer, states: dict[str, Path]) -> dict[str, str]:
    """Crawl the site as each role (from its dashboard, plus the error and audit pages); return path → role.

    Each distinct page path is kept once, with the first role (in the seed's order) that reached it.
    """
    found: dict[str, str] = {}
    for role, state in states.items():
        context = new_context(browser, state=state)
        for path, _status in crawl(context, server.base_url, ["/", ERROR_PATH, "/audit/"]):
            found.setdefault(path, role)
        context.close()
    return found
