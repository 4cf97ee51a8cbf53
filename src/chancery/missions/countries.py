"""Country codes (ISO 3166-1 alpha-2, checked with pycountry) and their names in the active language.

pycountry's Vietnamese catalogue uses some names the ministry does not (``Cộng hoà Nam Hàn`` for the
Republic of Korea), so the official Vietnamese short names of the countries Viet Nam most often deals with
are listed here and pycountry fills in the rest.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

OFFICIAL_VIETNAMESE_NAMES = {
    "AU": "Ô-xtrây-li-a",
    "BE": "Bỉ",
    "CA": "Ca-na-đa",
    "CH": "Thụy Sĩ",
    "CN": "Trung Quốc",
    "DE": "Đức",
    "FR": "Pháp",
    "GB": "Vương quốc Anh",
    "ID": "In-đô-nê-xi-a",
    "IN": "Ấn Độ",
    "IT": "I-ta-li-a",
    "JP": "Nhật Bản",
    "KH": "Cam-pu-chia",
    "KR": "Hàn Quốc",
    "LA": "Lào",
    "MY": "Ma-lai-xi-a",
    "PH": "Phi-líp-pin",
    "RU": "Liên bang Nga",
    "SG": "Xinh-ga-po",
    "TH": "Thái Lan",
    "US": "Hoa Kỳ",
    "VN": "Việt Nam",
}


def is_country_code(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-2 code (upper case, e.g. ``"JP"``)."""
    return len(code) == 2 and code.isascii() and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


@cache
def _vietnamese_catalogue() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"], fallback=True)


def country_name(code: str) -> str:
    """Return the country's short name in the active language, or ``code`` itself when unknown."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    english = str(getattr(country, "common_name", None) or country.name)
    if (get_language() or "vi").startswith("en"):
        return english
    return OFFICIAL_VIETNAMESE_NAMES.get(code) or _vietnamese_catalogue().gettext(str(country.name))
