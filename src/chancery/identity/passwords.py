"""Password rules after NIST SP 800-63B: length, a breached/common-password blocklist, no composition rules."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 128


class MaximumLengthValidator:
    """Refuse passwords over 128 characters (SP 800-63B allows a cap of at least 64)."""

    def validate(self, password: str, user: object | None = None) -> None:
        """Raise ValidationError when ``password`` is longer than the cap."""
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("This password is too long: use at most %(max)d characters.") % {"max": MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        """Describe the rule for forms."""
        return _("Your password can be up to %(max)d characters long.") % {"max": MAX_LENGTH}


@cache
def _django_common_passwords() -> frozenset[str]:
    # Django's own list (20,000 entries, lower-cased); DEFAULT_PASSWORD_LIST_PATH is an instance property.
    return frozenset(CommonPasswordValidator().passwords)


DATA_DIR = Path(__file__).with_name("data")


def _read_list(lines: Iterable[str]) -> frozenset[str]:
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _bundled_breached_passwords() -> frozenset[str]:
    """Return the bundled breach list plus the Vietnamese and context-specific list (see data/README.md)."""
    words: frozenset[str] = frozenset()
    breached = DATA_DIR / "breached-passwords.txt.gz"
    if breached.is_file():
        with gzip.open(breached, "rt", encoding="utf-8") as handle:
            words |= _read_list(handle)
    vietnamese = DATA_DIR / "vietnamese-common-passwords.txt"
    if vietnamese.is_file():
        with vietnamese.open(encoding="utf-8") as handle:
            words |= _read_list(handle)
    return words


class BreachedPasswordValidator:
    """Refuse passwords found in the bundled lists of common and breached passwords (offline)."""

    def validate(self, password: str, user: object | None = None) -> None:
        """Raise ValidationError when ``password`` (case-insensitively) is on a blocklist."""
        candidate = password.strip().lower()
        if candidate in _django_common_passwords() or candidate in _bundled_breached_passwords():
            raise ValidationError(
                _("This password is known from data breaches or is too common. Choose another."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        """Describe the rule for forms."""
        return _("Your password can't be one that is commonly used or known from data breaches.")
