"""WCAG 2.2 AA: axe-core finds no violation on any page the demo users can reach, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from playwright.sync_api import Browser, Route

from tests.e2e.axe import axe_violations, describe
from tests.e2e.demo import ERROR_PATH, DemoServer, TotpClock, new_context, submit_password

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _sessions_before_the_browser(signed_in_pages: dict[str, str]) -> None:
    """Sign in and crawl (each with its own Playwright) before this module's browser starts."""


def test_axe_finds_nothing_on_any_signed_in_page(
    browser: Browser, demo_server: DemoServer, signed_in_states: dict[str, Path], signed_in_pages: dict[str, str]
) -> None:
    failures: list[str] = []
    for role, state in signed_in_states.items():
        context = new_context(browser, state=state)
        page = context.new_page()
        for path in [path for path, first_role in signed_in_pages.items() if first_role == role]:
            page.goto(demo_server.base_url + path)
            if violations := axe_violations(page):
                failures.append(f"as {role}:\n" + describe(path, violations))
        context.close()
    assert not failures, "axe-core found accessibility violations:\n" + "\n".join(failures)
    assert {"/", "/me/security/", ERROR_PATH} <= set(signed_in_pages)


@pytest.mark.parametrize("locale", ["vi-VN", "en-GB"])
def test_axe_finds_nothing_on_sign_in_mfa_and_error_pages(
    browser: Browser, demo_server: DemoServer, totp_clock: TotpClock, locale: str
) -> None:
    user = next(user for user in demo_server.users if user.totp_secret)
    context = new_context(browser, locale=locale)
    page = context.new_page()
    failures: list[str] = []
    for path in ["/accounts/login/", "/accounts/password/reset/", ERROR_PATH]:
        page.goto(demo_server.base_url + path)
        failures.extend([describe(path, found)] if (found := axe_violations(page)) else [])
    submit_password(page, demo_server, user)
    assert page.locator("input[name=code]").count() == 1
    failures.extend([describe(page.url, found)] if (found := axe_violations(page)) else [])
    page.locator("input[name=code]").fill("000000")  # a wrong code shows the form error
    page.locator("form:has(input[name=code]) [type=submit]").first.click()
    page.wait_for_load_state()
    failures.extend([describe("MFA form with an error", found)] if (found := axe_violations(page)) else [])
    context.close()
    assert not failures, "axe-core found accessibility violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("template", ["400.html", "403.html", "500.html"])
def test_axe_finds_nothing_on_the_other_error_pages(browser: Browser, demo_server: DemoServer, template: str) -> None:
    request = RequestFactory().get("/")
    with translation.override("vi"):
        html = render_to_string(template, request=request)
    context = new_context(browser)
    page = context.new_page()

    def serve_rendered(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{demo_server.base_url}/__error__/", serve_rendered)
    page.goto(f"{demo_server.base_url}/__error__/")
    violations = axe_violations(page)
    context.close()
    assert not violations, describe(template, violations)
