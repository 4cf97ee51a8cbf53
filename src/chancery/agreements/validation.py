"""Input checks shared by the services: each failure names the field it concerns."""

from __future__ import annotations

import pycountry
from django.utils.translation import gettext as _

from chancery.agreements.enums import INTERNATIONAL_ORGANISATIONS
from chancery.platform.errors import InvalidInput


def invalid(field: str, message: str) -> InvalidInput:
    """Return an :class:`InvalidInput` whose only error is ``message`` on ``field``."""
    return InvalidInput(message, errors={field: [message]})


def country_alpha_2(code: str, *, field: str = "country_code") -> str:
    """Return the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 ``code`` (any case).

    Raises :class:`InvalidInput` naming ``field`` for anything pycountry does not know.
    """
    stripped = code.strip()
    country = None
    # ASCII is checked before upper-casing: "ß".upper() is "SS", which would pass as South Sudan.
    cleaned = stripped.upper() if stripped.isascii() else ""
    if cleaned.isalpha():
        if len(cleaned) == 2:
            country = pycountry.countries.get(alpha_2=cleaned)
        elif len(cleaned) == 3:
            country = pycountry.countries.get(alpha_3=cleaned)
    if country is None:
        raise invalid(field, _("Unknown country code %(code)s: use ISO 3166-1 (VN or VNM).") % {"code": code})
    return str(country.alpha_2)


def known_organisation_code(code: str, *, field: str = "organisation_code") -> str:
    """Return the upper-case code of a known international organisation, or raise naming ``field``."""
    stripped = code.strip()
    cleaned = stripped.upper() if stripped.isascii() else ""
    if cleaned not in INTERNATIONAL_ORGANISATIONS:
        known = ", ".join(sorted(INTERNATIONAL_ORGANISATIONS))
        raise invalid(field, _("Unknown organisation %(code)s; known: %(known)s.") % {"code": code, "known": known})
    return cleaned
