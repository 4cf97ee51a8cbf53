"""Done-when (issue 9): a bilingual post goes from draft through two approval steps to publication on the
demo's fake Mastodon and Bluesky servers, is fetched back and shows its URLs, and appears on the
ministry's own feed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.demo import DemoServer, new_context

pytestmark = pytest.mark.browser
PUBLISH_WAIT_SECONDS = 180  # the worker's outreach.publish job runs every minute


def _open(browser: Browser, states: dict[str, Path], role: str) -> Page:
    return new_context(browser, state=states[role], locale="en-GB").new_page()


def _state(page: Page) -> str:
    return page.locator("#post-state").get_attribute("data-state") or ""


def test_bilingual_post_two_steps_to_fake_platforms_and_own_feed(
    browser: Browser, demo_server: DemoServer, signed_in_states: dict[str, Path]
) -> None:
    base = demo_server.base_url
    press = _open(browser, signed_in_states, "press_officer")  # press, press department
    desk = _open(browser, signed_in_states, "desk_officer")  # step 1: desk review (any of desk, analyst)
    head = _open(browser, signed_in_states, "administrator")  # step 2: spokesperson (all of admin)

    press.goto(f"{base}/outreach/new/")
    press.fill("#id_title", "Browser test: statement on the Mekong")
    press.fill("#id_text_vi", "Việt Nam hoan nghênh hợp tác Mê Công.")
    press.fill("#id_text_en", "Viet Nam welcomes Mekong cooperation.")
    for checkbox in press.locator('input[name="accounts"]').all():
        checkbox.check()
    press.fill("#id_scheduled_for", "2026-01-01T08:00")
    press.click('button[name="preview"]')
    assert press.locator("table td", has_text="graphemes").count() >= 1
    press.click('button[name="save"]')
    press.wait_for_url(f"{base}/outreach/*/")
    post_url = press.url
    assert _state(press) == "draft"
    press.click('form[action$="/submit/"] button')
    assert _state(press) == "in_approval"

    head.goto(post_url)
    assert head.locator('form[action$="/approve/"]').count() == 0  # step 2 waits for step 1
    desk.goto(post_url)
    desk.click('form[action$="/approve/"] button')
    head.goto(post_url)
    head.click('form[action$="/approve/"] button')
    assert _state(head) == "approved"

    deadline = time.monotonic() + PUBLISH_WAIT_SECONDS
    while _state(press) != "published" and time.monotonic() < deadline:
        press.wait_for_timeout(3000)
        press.goto(post_url)
    assert _state(press) == "published"
    links = [a.get_attribute("href") or "" for a in press.locator("table a").all()]
    assert any(re.match(r"http://127\.0\.0\.1:\d+/@mofa/", link) for link in links)
    assert any(re.match(r"http://127\.0\.0\.1:\d+/profile/mofa\.bsky\.test/post/", link) for link in links)

    feed = press.request.get(f"{base}/statements/feed.atom")
    assert "Browser test: statement on the Mekong" in feed.text()
    for page in (press, desk, head):
        page.context.close()
