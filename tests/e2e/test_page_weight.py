"""Every page weighs under 250 kB uncached (document plus every subresource), and every asset is ours."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.e2e.demo import ERROR_PATH, PAGE_BUDGET_BYTES, DemoServer, Weight, page_weight

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _sessions_before_the_browser(signed_in_pages: dict[str, str]) -> None:
    """Sign in and crawl (each with its own Playwright) before this module's browser starts."""


@pytest.fixture(scope="module")
def weights(
    browser: Browser, demo_server: DemoServer, signed_in_states: dict[str, Path], signed_in_pages: dict[str, str]
) -> dict[str, Weight]:
    measured = {path: page_weight(browser, demo_server.base_url + path) for path in ["/accounts/login/", ERROR_PATH]}
    for path, role in signed_in_pages.items():
        measured.setdefault(path, page_weight(browser, demo_server.base_url + path, state=signed_in_states[role]))
    return measured


def test_every_page_is_under_the_weight_budget(weights: dict[str, Weight]) -> None:
    assert len(weights) >= 4
    assert all(weight.total_bytes > 1000 for weight in weights.values())  # the measure really counts bytes
    too_heavy = {
        path: weight.total_bytes for path, weight in weights.items() if weight.total_bytes >= PAGE_BUDGET_BYTES
    }
    assert not too_heavy, f"pages at or over {PAGE_BUDGET_BYTES} bytes: {too_heavy}"


def test_every_page_loads_its_stylesheet_from_the_app(weights: dict[str, Weight], demo_server: DemoServer) -> None:
    for path, weight in weights.items():
        assert f"{demo_server.base_url}/static/chancery/chancery.css" in weight.urls, path


def test_no_request_leaves_the_app(weights: dict[str, Weight], demo_server: DemoServer) -> None:
    origin = urlsplit(demo_server.base_url)[:2]
    outside = {
        path: [url for url in weight.urls if not url.startswith("data:") and urlsplit(url)[:2] != origin]
        for path, weight in weights.items()
    }
    assert not any(outside.values()), f"requests to other origins: {outside}"
