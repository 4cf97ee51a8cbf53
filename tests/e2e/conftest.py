"""Browser-test fixtures: the real demo server (``python -m chancery demo``) and Debian's Chromium.

The demo server runs once per test session (per xdist worker) in its own process group, with its own
``CHANCERY_VAR_DIR``; the browser is launched from ``/usr/bin/chromium`` through Playwright's Python API,
so Playwright never downloads a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.demo import (
    DemoError,
    DemoServer,
    TotpClock,
    demo_running,
    launch_chromium,
    new_context,
    sign_in,
    site_map,
)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo, started as ``bin/chancery demo`` starts it, in a temporary var directory."""
    try:
        with demo_running(tmp_path_factory.mktemp("demo-var")) as server:
            yield server
    except DemoError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (module-scoped so no event loop outlives the browser tests)."""
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def totp_clock() -> TotpClock:
    return TotpClock()


@pytest.fixture(scope="session")
def signed_in_states(
    demo_server: DemoServer, totp_clock: TotpClock, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Sign one user of each role in once; return each role's saved cookies, for fresh contexts.

    Session-scoped, so it runs its own short-lived Playwright before any module's browser starts.
    """
    states: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("states")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for user in demo_server.roles():
            context = new_context(browser)
            try:
                sign_in(context.new_page(), demo_server, user, totp_clock)
            except DemoError as error:
                pytest.fail(str(error))
            states[user.role] = folder / f"{user.role}.json"
            context.storage_state(path=states[user.role])
            context.close()
        browser.close()
    return states


@pytest.fixture(scope="session")
def signed_in_pages(demo_server: DemoServer, signed_in_states: dict[str, Path]) -> dict[str, str]:
    """Every page the demo users reach by following links, each with a role that reaches it (crawled once)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        pages = site_map(browser, demo_server, signed_in_states)
        browser.close()
    assert "/" in pages
    return pages
