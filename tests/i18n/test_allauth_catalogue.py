"""The Vietnamese catalogue of django-allauth's messages (``src/chancery/locale_allauth``) is sound and in use.

allauth ships no Vietnamese translation. ``locale_allauth/vi/LC_MESSAGES/django.po`` translates the
messages of the parts Chancery uses (account, mfa, usersessions, layouts and elements); it comes after
Chancery's own catalogue in ``LOCALE_PATHS``, so Chancery's translation wins where both have a message.
After editing the .po, recompile it from its folder with ``msgfmt --check -o django.mo django.po`` and
commit both files.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

import chancery
from chancery.identity.models import User
from tests.conftest import enable_totp
from tests.factories import TEST_PASSWORD
from tests.i18n.po import Entry, messages, read_po

CATALOGUE_DIR = Path(chancery.__file__).parent / "locale_allauth"
PO = CATALOGUE_DIR / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
OWN_PO = Path(chancery.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
UPSTREAM_PO = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?\w+[^>]*>")
VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def describe(entries: list[Entry]) -> str:
    return "\n".join(f"  {entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}" for entry in entries)


def lookup(entry: Entry, translate: gettext.NullTranslations | None = None) -> str:
    """Translate ``entry``'s message with ``translate`` (Django's active translation when None)."""
    pgettext: Callable[[str, str], str] = translate.pgettext if translate else translation.pgettext
    gettext_: Callable[[str], str] = translate.gettext if translate else translation.gettext
    ngettext: Callable[[str, str, int], str] = translate.ngettext if translate else translation.ngettext
    if entry.msgid_plural is not None:
        if entry.msgctxt is not None:
            npgettext = translate.npgettext if translate else translation.npgettext
            return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt is not None:
        return pgettext(entry.msgctxt, entry.msgid)
    return gettext_(entry.msgid)


# --- (a) the .po file -----------------------------------------------------------------------------------


def test_settings_list_the_catalogue_after_chancerys_own() -> None:
    paths = [Path(path).resolve() for path in settings.LOCALE_PATHS]
    assert paths[0] == OWN_PO.parents[2].resolve()  # Chancery's own catalogue comes first and wins
    assert CATALOGUE_DIR.resolve() in paths[1:]


def test_header_declares_vietnamese_with_one_plural_form() -> None:
    header = read_po(PO)[0]
    assert header.msgid == ""
    assert "Language: vi\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = messages(PO)
    assert len(entries) > 250  # the whole extraction, not a handful
    obsolete = [entry for entry in read_po(PO) if entry.obsolete]
    untranslated = [entry for entry in entries.values() if not entry.translated]
    assert not obsolete, f"obsolete entries left in {PO.name}:\n{describe(obsolete)}"
    assert not untranslated, f"empty or fuzzy translations in {PO.name}:\n{describe(untranslated)}"


def test_plural_messages_have_exactly_one_form() -> None:
    plurals = [entry for entry in messages(PO).values() if entry.msgid_plural is not None]
    assert plurals
    wrong = [entry for entry in plurals if set(entry.msgstr) != {0}]
    assert not wrong, f"plural messages without exactly msgstr[0] (Vietnamese has one form):\n{describe(wrong)}"


def test_translations_keep_every_placeholder_and_tag() -> None:
    broken: list[Entry] = []
    for entry in messages(PO).values():
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        placeholders = set().union(*(PLACEHOLDER.findall(source) for source in sources))
        tags = set().union(*(TAG.findall(source) for source in sources))
        broken.extend(
            entry
            for text in entry.msgstr.values()
            if set(PLACEHOLDER.findall(text)) != placeholders or set(TAG.findall(text)) != tags
        )
    assert not broken, f"translations that lose or add a placeholder or an HTML tag:\n{describe(broken)}"


def test_translations_are_vietnamese() -> None:
    """No message is left in English: only names of standards read the same in both languages."""
    same_in_both = {"WebAuthn"}
    copied = [
        entry for entry in messages(PO).values() if entry.msgid not in same_in_both and entry.msgstr[0] == entry.msgid
    ]
    assert not copied, f"translations that repeat the English:\n{describe(copied)}"
    with_diacritics = [entry for entry in messages(PO).values() if VIETNAMESE_LETTER.search(entry.msgstr[0])]
    assert len(with_diacritics) > 0.95 * len(messages(PO))  # written with full diacritics, not in plain ASCII


def test_every_message_is_one_allauth_really_has() -> None:
    """A typo in a msgid, or a message allauth has since dropped, would never be looked up."""
    upstream = messages(UPSTREAM_PO)
    unknown = [entry for key, entry in messages(PO).items() if key not in upstream]
    assert not unknown, f"messages allauth {allauth.__version__} does not have:\n{describe(unknown)}"


def test_social_login_and_identity_provider_messages_are_left_out() -> None:
    msgids = " ".join(messages(PO))
    for word in ("third-party", "OpenID", "Social Network", "provider", "SAML"):
        assert word not in msgids


# --- (b) the compiled .mo -------------------------------------------------------------------------------


def test_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == "vi"
    assert compiled.info()["plural-forms"] == "nplurals=1; plural=0;"
    entries = messages(PO)
    wrong = [entry for entry in entries.values() if lookup(entry, compiled) != entry.msgstr[0]]
    assert not wrong, f"{MO.name} is out of date (run msgfmt --check -o django.mo django.po):\n{describe(wrong)}"
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    compiled_keys = {key[0] if isinstance(key, tuple) else key for key in catalog if key != ""}
    extra = sorted(str(key) for key in compiled_keys - set(entries))
    assert not extra, f"{MO.name} has messages the .po no longer has: {extra[:10]}"


# --- (c) Django uses it ---------------------------------------------------------------------------------


def test_allauth_messages_come_out_in_vietnamese() -> None:
    with translation.override("vi"):
        assert translation.gettext("Sign In") == "Đăng nhập"  # allauth's sign-in heading and button
        assert translation.gettext("Authenticator code") == "Mã xác thực"  # the TOTP form's label
        assert translation.pgettext("field label", "Login") == "Tên đăng nhập"
        assert translation.gettext("Enter Sign-In Code") == "Nhập mã đăng nhập"  # in this catalogue only
        assert translation.gettext("Request new code") == "Yêu cầu mã mới"
        assert translation.ngettext(
            "You have added %(count)s security key.", "You have added %(count)s security keys.", 3
        ) == ("Bạn đã thêm %(count)s khóa bảo mật.")
    with translation.override("en"):
        assert translation.gettext("Sign In") == "Sign In"


def test_every_message_is_served_and_chancerys_own_translation_wins() -> None:
    own = {key: entry for key, entry in messages(OWN_PO).items() if entry.translated}
    wrong = []
    with translation.override("vi"):
        for key, entry in messages(PO).items():
            expected = own[key].msgstr[0] if key in own else entry.msgstr[0]
            if lookup(entry) != expected:
                wrong.append(entry)
    assert not wrong, f"messages Django does not translate as expected:\n{describe(wrong)}"


def sign_in_page(client: Client) -> str:
    response = client.get("/accounts/login/", headers={"accept-language": "vi"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_sign_in_page_is_in_vietnamese(client: Client) -> None:
    html = sign_in_page(client)
    assert '<html lang="vi">' in html
    assert re.search(r"<h1>\s*Đăng nhập\s*</h1>", html)
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    assert "Sign In" not in html


@pytest.mark.django_db
def test_sign_in_page_is_in_vietnamese_from_this_catalogue_alone(client: Client) -> None:
    """Without Chancery's own catalogue, allauth's messages on the page still come out in Vietnamese."""
    with override_settings(LOCALE_PATHS=[CATALOGUE_DIR]):
        html = sign_in_page(client)
    assert re.search(r"<h1>\s*Đăng nhập\s*</h1>", html)
    assert "Tên đăng nhập" in html
    assert "Sign In" not in html
    assert "Username" not in html


@pytest.mark.django_db
def test_second_factor_page_is_in_vietnamese_from_this_catalogue_alone(client: Client, security_officer: User) -> None:
    enable_totp(security_officer)
    with override_settings(LOCALE_PATHS=[CATALOGUE_DIR]):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        response = client.post(
            "/accounts/login/", {"login": security_officer.username, "password": TEST_PASSWORD}, follow=True
        )
        html = response.content.decode()
    assert response.request["PATH_INFO"] == "/accounts/2fa/authenticate/"
    assert re.search(r"<h1>\s*Xác thực hai yếu tố\s*</h1>", html)
    assert "Vui lòng nhập mã xác thực" in html
    assert "Dùng khóa bảo mật" in html
    for english in ("Two-Factor Authentication", "authenticator code", "Use a security key", "Alternative options"):
        assert english not in html
