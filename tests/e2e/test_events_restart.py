"""Done-when: restarting the server while a browser is connected loses no event.

The demo server is started on a fixed port, a signed-in browser opens a cable page (its live script holds
an event stream open), the server is stopped, events are written while it is down (as another server
process would), and the server is started again on the same port and database. The browser reconnects
by itself with ``Last-Event-ID`` and shows every missed event exactly once, in order.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e import demo
from tests.e2e.demo import TotpClock, demo_running, new_context, sign_in

pytestmark = pytest.mark.browser
MISSED = ["RESTART-1", "RESTART-2", "RESTART-3"]
WRITE_EVENTS = (
    "from django.contrib.auth import get_user_model\n"
    "from chancery.platform.events.models import Event\n"
    "user = get_user_model().objects.get(username='tokyo')\n"
    "for ref in {refs!r}:\n"
    "    Event.objects.create(user=user, kind='notification', payload={{'reference': ref, 'cable_id': 0}})\n"
)


DEMO_PORTS_PER_START = 5


@pytest.fixture
def fixed_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every demo start in this test use the same ports, so the browser reconnects to it.

    A start asks for its ports in a fixed order (server, witness, then the local stand-ins), so cycling
    one set gives each start the same ones.
    """
    ports = tuple(demo.free_port() for _ in range(DEMO_PORTS_PER_START))
    sequence = itertools.cycle(ports)
    monkeypatch.setattr(demo, "free_port", lambda: next(sequence))


def _write_events(var_dir: Path) -> None:
    env = {**os.environ, "CHANCERY_VAR_DIR": str(var_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "chancery", "manage", "shell", "-c", WRITE_EVENTS.format(refs=MISSED)]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)


def test_restart_loses_no_event(browser: Browser, tmp_path: Path, fixed_ports: None) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    with demo_running(var_dir) as server:
        user = next(u for u in server.users if u.username == "tokyo")
        context = new_context(browser, locale="en-GB")
        page = context.new_page()
        sign_in(page, server, user, TotpClock())
        page.goto(f"{server.base_url}/cables/outbox/")
        first = page.locator("table a").first.get_attribute("href")
        assert first is not None
        page.goto(f"{server.base_url}{first}")  # reloads only for its own cable; announces the rest
        page.wait_for_function("() => document.querySelector('#live-status') !== null")
        page.wait_for_timeout(3500)  # let the stream connect (it opens 1.5 s after load)
    _write_events(var_dir)  # the server is down; the events are persisted
    with demo_running(var_dir):
        page.wait_for_function(
            "n => document.querySelectorAll('#live-status p').length >= n", arg=len(MISSED), timeout=30_000
        )
        page.wait_for_timeout(1500)  # any duplicate would arrive now
        shown = page.locator("#live-status p").all_inner_texts()
    assert [text.split()[-1] for text in shown] == MISSED
    context.close()
