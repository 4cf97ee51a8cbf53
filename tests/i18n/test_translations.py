"""The Vietnamese and English catalogues are complete, compiled and in step with the source.

Adding a translatable string without translating it fails here: re-run, from ``src/chancery``,
``chancery manage makemessages -l vi -l en --ignore=.venv --ignore=var``, translate the new entries in
``locale/vi/LC_MESSAGES/django.po`` (remove any ``#, fuzzy`` flag once checked), then
``chancery manage compilemessages`` and commit the .po and the .mo.
"""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.i18n.po import Entry, messages

PACKAGE = Path(settings.LOCALE_PATHS[0]).parent
LANGUAGES = ["vi", "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def po_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def describe(entries: list[Entry]) -> str:
    return "\n".join(f"  {entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}" for entry in entries)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Entry]:
    """Run makemessages over a copy of the source into an empty locale folder; return what it found."""
    assert shutil.which("xgettext") is not None, "GNU gettext is needed (bin/test installs it): apt-get install gettext"
    copy = tmp_path_factory.mktemp("source") / "chancery"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "var", ".venv", "*.mo")
    )
    (copy / "locale").mkdir()
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["vi"], verbosity=0, ignore_patterns=[".venv", "var"])
    return messages(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po")


def test_every_message_in_the_source_is_in_the_catalogue(extracted: dict[str, Entry]) -> None:
    assert len(extracted) > 50  # the extraction really ran over the templates and the code
    catalogue = messages(po_path("vi"))
    missing = [entry for key, entry in extracted.items() if key not in catalogue]
    assert not missing, f"messages missing from {po_path('vi').name} (run makemessages):\n{describe(missing)}"


def test_every_message_in_the_source_has_a_vietnamese_translation(extracted: dict[str, Entry]) -> None:
    catalogue = messages(po_path("vi"))
    untranslated = [catalogue[key] for key in extracted if key in catalogue and not catalogue[key].translated]
    assert not untranslated, f"messages without a checked Vietnamese translation:\n{describe(untranslated)}"


def test_every_catalogued_message_is_translated_into_vietnamese() -> None:
    catalogue = messages(po_path("vi"))
    assert len(catalogue) > 50
    untranslated = [entry for entry in catalogue.values() if not entry.translated]
    assert not untranslated, f"untranslated or fuzzy entries in the Vietnamese catalogue:\n{describe(untranslated)}"


def test_english_catalogue_lists_the_same_messages() -> None:
    assert set(messages(po_path("en"))) == set(messages(po_path("vi")))


def test_translations_keep_every_placeholder() -> None:
    broken = []
    for entry in messages(po_path("vi")).values():
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        broken.extend(entry for text in entry.msgstr.values() if text and sorted(PLACEHOLDER.findall(text)) != expected)
    assert not broken, f"translations that lose or add a placeholder:\n{describe(broken)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language: str) -> None:
    with mo_path(language).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in messages(po_path(language)).values():
        if not entry.translated:
            continue  # msgfmt leaves out untranslated and fuzzy entries
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            expected.update({(entry.key, index): text for index, text in entry.msgstr.items()})
    actual = {key: value for key, value in catalog.items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() ^ actual.keys())
    stale += sorted(str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key])
    assert not stale, f"{mo_path(language).name} is out of date (run compilemessages): {stale[:10]}"


def test_django_serves_the_vietnamese_catalogue() -> None:
    with translation.override("vi"):
        assert translation.gettext("Dashboard") != "Dashboard"
        assert translation.gettext("Sign out") != "Sign out"
    with translation.override("en"):
        assert translation.gettext("Dashboard") == "Dashboard"
