"""Done-when: a demo user signs in with password and TOTP and reaches the dashboard, in Vietnamese and English."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page

from tests.e2e.demo import DemoServer, DemoUser, TotpClock, new_context, sign_in, submit_password, submit_totp

pytestmark = pytest.mark.browser


def translated(message: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def users_with_totp(server: DemoServer) -> list[DemoUser]:
    users = [user for user in server.users if user.totp_secret]
    assert len(users) >= 3, "the demo seed should give at least three users a TOTP authenticator"
    return users


def assert_on_dashboard(page: Page, server: DemoServer, user: DemoUser, language: str) -> None:
    assert page.url.rstrip("/") == server.base_url
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == translated("Dashboard", language)
    assert page.locator("header .who").inner_text() == user.username


def test_sign_in_with_password_and_totp_in_vietnamese(
    browser: Browser, demo_server: DemoServer, totp_clock: TotpClock
) -> None:
    user = users_with_totp(demo_server)[0]
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{demo_server.base_url}/")
    assert page.url.startswith(f"{demo_server.base_url}/accounts/login/")  # anonymous visitors sign in first
    assert page.locator("html").get_attribute("lang") == "vi"
    submit_password(page, demo_server, user)
    assert page.locator("input[name=code]").count() == 1, "the second factor was not asked for"
    assert page.url.rstrip("/") != demo_server.base_url
    submit_totp(page, user, totp_clock)
    assert_on_dashboard(page, demo_server, user, "vi")
    assert translated("Dashboard", "vi") != "Dashboard"
    context.close()


def test_sign_in_in_english_after_the_language_switch(
    browser: Browser, demo_server: DemoServer, totp_clock: TotpClock
) -> None:
    user = users_with_totp(demo_server)[1]
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{demo_server.base_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("header button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{demo_server.base_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header button[name=language][value=en]").get_attribute("aria-pressed") == "true"
    sign_in(page, demo_server, user, totp_clock)
    assert_on_dashboard(page, demo_server, user, "en")
    context.close()


def test_wrong_totp_code_keeps_the_user_out(browser: Browser, demo_server: DemoServer) -> None:
    user = users_with_totp(demo_server)[2]
    context = new_context(browser)
    page = context.new_page()
    submit_password(page, demo_server, user)
    page.locator("input[name=code]").fill("000000")
    page.locator("form:has(input[name=code]) [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("input[name=code]").count() == 1
    page.goto(f"{demo_server.base_url}/")
    assert page.url.rstrip("/") != demo_server.base_url  # still asked for the second factor, not let in
    assert page.locator("input[name=code]").count() == 1
    context.close()


def test_sign_in_navigation_language_switch_and_sign_out_work_without_javascript(
    browser: Browser, demo_server: DemoServer, totp_clock: TotpClock
) -> None:
    user = users_with_totp(demo_server)[2]
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo_server, user, totp_clock)
    assert_on_dashboard(page, demo_server, user, "vi")
    nav = page.get_by_role("navigation", name=translated("Main", "vi"))
    assert nav.locator("a[aria-current=page]").get_attribute("href") == "/"
    nav.get_by_role("link", name=translated("Security settings", "vi")).click()
    page.wait_for_load_state()
    assert page.url == f"{demo_server.base_url}/me/security/"
    assert nav.locator("a[aria-current=page]").get_attribute("href") == "/me/security/"
    page.locator("header button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.url == f"{demo_server.base_url}/me/security/"
    assert page.locator("h1").inner_text() == "Security settings"
    page.locator("header form.logout [type=submit]").click()
    page.wait_for_load_state()
    if page.locator("main form[method=post] [type=submit]").count():  # allauth asks to confirm a GET sign-out
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()
    page.goto(f"{demo_server.base_url}/")
    assert page.url.startswith(f"{demo_server.base_url}/accounts/login/")
    context.close()
