"""Done-when: a cable goes from drafting through clearance and release to acknowledgement in the browser,
with users in separate sessions seeing each other's actions arrive live; a script in a body never runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo import DemoServer, new_context

pytestmark = pytest.mark.browser
LIVE_TIMEOUT_MS = 20_000


def _open(browser: Browser, states: dict[str, Path], role: str) -> Page:
    return new_context(browser, state=states[role], locale="en-GB").new_page()


def _state(page: Page) -> str:
    return page.locator("#cable-state").get_attribute("data-state") or ""


def _wait_for_state(page: Page, state: str) -> None:
    page.wait_for_function(
        "s => document.querySelector('#cable-state')?.getAttribute('data-state') === s",
        arg=state,
        timeout=LIVE_TIMEOUT_MS,
    )


def test_cable_life_live_in_two_sessions(
    browser: Browser, demo_server: DemoServer, signed_in_states: dict[str, Path]
) -> None:
    base = demo_server.base_url
    drafter = _open(browser, signed_in_states, "mission_officer")  # tokyo, Embassy in Tokyo
    desk = _open(browser, signed_in_states, "desk_officer")  # Northeast Asia department: clears, acts
    head = _open(browser, signed_in_states, "administrator")  # the ministry's approver

    drafter.goto(f"{base}/cables/new/")
    drafter.fill("#id_subject", "Live test: delegation schedule")
    drafter.select_option("#id_classification", "10")
    drafter.select_option("#id_precedence", "FLASH")
    drafter.fill("#id_tags", "PREL, JA")
    drafter.select_option("#id_p1_classification", "10")
    drafter.fill("#id_p1_text", "Schedule **attached**. <script>window.__pwned = true;</script>")
    drafter.check('input[name="action"][value="dept-northeast-asia"]')
    drafter.check('input[name="clearers"][value="dept-northeast-asia"]')
    drafter.click('button[name="save"]')
    drafter.wait_for_url(f"{base}/cables/*/")
    cable_url = drafter.url
    assert _state(drafter) == "draft"
    assert drafter.evaluate("window.__pwned === undefined")
    assert drafter.locator(".cable-paragraph strong", has_text="attached").count() == 1
    drafter.click('form[action$="/submit/"] button')
    assert _state(drafter) == "in_clearance"

    # The desk officer clears; the drafter's open page updates by itself.
    desk.goto(cable_url)
    desk.click('form[action$="/clear/"] button')
    assert _state(desk) == "cleared"
    _wait_for_state(drafter, "cleared")

    # The head releases; the desk's open inbox receives the delivery live.
    desk.goto(f"{base}/cables/")
    head.goto(cable_url)
    head.click('form[action$="/release/"] button')
    assert _state(head) == "delivered"
    desk.wait_for_selector(f'a[href="{cable_url.removeprefix(base)}"]', timeout=LIVE_TIMEOUT_MS)

    # The desk acknowledges; the drafter and the head see it arrive.
    desk.goto(cable_url)
    drafter.goto(cable_url)
    desk.click('form[action$="/acknowledge/"] button')
    assert _state(desk) == "acknowledged"
    _wait_for_state(drafter, "acknowledged")
    assert drafter.evaluate("window.__pwned === undefined")
    for page in (drafter, desk, head):
        page.context.close()
