"""Every page a user reaches reads in Vietnamese: no message of ours, allauth's or Django's shows in English.

allauth ships no Vietnamese catalogue; Chancery translates the messages it shows in
``src/chancery/locale_allauth`` (and its own in ``src/chancery/locale``). This test finds any message
that slipped through either, by crawling the pages as an anonymous visitor, a desk officer and a
security officer with the interface in Vietnamese (the default language).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from chancery.identity.models import User
from tests.conftest import enable_totp
from tests.http.pages import crawl
from tests.i18n.po import messages

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
# Words that read the same in both languages (names of standards and of the product).
SAME_IN_BOTH = {"Chancery", "TOTP", "WebAuthn", "API", "OK", "CSV", "Email", "E-mail"}
ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        self.texts.extend(value for name, value in attrs if name in ATTRIBUTES and value)
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


@cache
def same_in_both() -> frozenset[str]:
    """The msgids Chancery's Vietnamese catalogue deliberately leaves as they are (TLP:RED, SHA-256 …)."""
    catalogue = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
    return frozenset(
        normalise(entry.msgid) for entry in messages(catalogue).values() if entry.msgstr.get(0) == entry.msgid
    )


@cache
def english_messages() -> dict[str, list[str | None]]:
    """Every msgid Chancery or allauth may show, with the contexts it appears under."""
    found: dict[str, list[str | None]] = {}
    catalogues = [
        Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
        Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po",
    ]
    for catalogue in catalogues:
        for entry in messages(catalogue).values():
            if "%" not in entry.msgid and "{" not in entry.msgid:
                found.setdefault(normalise(entry.msgid), []).append(entry.msgctxt)
    return found


def untranslated_texts(html: str) -> list[str]:
    """Return the texts of ``html`` that are English messages lacking a Vietnamese translation."""
    parser = _Text()
    parser.feed(html)
    known = english_messages()
    found = []
    with translation.override("vi"):
        for raw in parser.texts:
            text = normalise(raw)
            if (
                text in SAME_IN_BOTH
                or text in same_in_both()
                or text not in known
                or not re.search(r"[A-Za-z]{2}", text)
            ):
                continue
            translated = any(
                normalise(translation.pgettext(context, text) if context else translation.gettext(text)) != text
                for context in known[text]
            )
            if not translated:
                found.append(text)
    return found


def check(client: Client, start: list[str]) -> list[str]:
    problems: dict[str, list[str]] = {}

    def fetch(path: str) -> tuple[int, str, str]:
        response = client.get(path, follow=True)
        final = response.request["PATH_INFO"]
        if response.status_code == 405 or not response["Content-Type"].startswith("text/html"):
            return response.status_code if response.status_code == 405 else 415, final, ""  # POST-only or not a page
        html = response.content.decode()
        assert 'lang="vi"' in html[:300], f"{final} is not in Vietnamese"
        if found := untranslated_texts(html):
            problems[final] = found
        return (200 if response.status_code in {403, 404} else response.status_code), final, html

    pages = crawl(start, fetch, origin=ORIGIN)
    assert not problems, "English text on Vietnamese pages:\n" + "\n".join(
        f"  {page}: {sorted(set(found))}" for page, found in problems.items()
    )
    return pages


def test_the_checker_flags_an_untranslated_allauth_message() -> None:
    assert "Sign In" in english_messages()
    assert untranslated_texts("<p>Chancery</p><p>An invented sentence nobody wrote.</p>") == []
    assert untranslated_texts('<input type="submit" value="Nonexistent message">') == []


def test_anonymous_pages_are_in_vietnamese(client: Client) -> None:
    pages = check(client, ["/accounts/login/", "/accounts/password/reset/", "/no-such-page/"])
    assert "/accounts/login/" in pages


def test_signed_in_pages_are_in_vietnamese(client: Client, desk_officer: User, security_officer: User) -> None:
    enable_totp(security_officer)
    client.force_login(desk_officer)
    desk_pages = check(client, ["/", "/no-such-page/", "/audit/"])
    client.force_login(security_officer)
    officer_pages = check(client, ["/", "/no-such-page/"])
    assert {"/", "/me/security/"} <= set(desk_pages)
    assert len(officer_pages) >= len(desk_pages)


def test_second_factor_page_is_in_vietnamese(client: Client, security_officer: User) -> None:
    from tests.factories import TEST_PASSWORD

    enable_totp(security_officer)
    response = client.post(
        "/accounts/login/", {"login": security_officer.username, "password": TEST_PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == "/accounts/2fa/authenticate/"
    assert untranslated_texts(response.content.decode()) == []
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert untranslated_texts(wrong.content.decode()) == []
