"""GDELT 2.0 files: the event export (61 tab-separated columns) and the Global Knowledge Graph 2.1 (27 columns).

Files are read plain or zipped (``20250101120000.export.CSV.zip``, ``….gkg.csv.zip``; the translingual
``….translation.…`` files have the same layouts). A line with the wrong number of columns or an unreadable id or
date is rejected alone. Geographic country codes (FIPS 10-4) are mapped to ISO 3166-1 alpha-3; actor country
codes are CAMEO codes, which are ISO alpha-3 for countries.
"""

from __future__ import annotations

import html
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.fips import FIPS_TO_ISO3
from chancery_analytics.ingest.records import DEFAULT_MAX_INPUT_BYTES, Input, Limits, item_check, text_lines
from chancery_analytics.ingest.text import clean_text, date_parse, plain

EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
GKG_COLUMNS: tuple[str, ...] = (
    "GKGRECORDID", "V2.1DATE", "V2SOURCECOLLECTIONIDENTIFIER", "V2SOURCECOMMONNAME", "V2DOCUMENTIDENTIFIER",
    "V1COUNTS", "V2.1COUNTS", "V1THEMES", "V2ENHANCEDTHEMES", "V1LOCATIONS",
    "V2ENHANCEDLOCATIONS", "V1PERSONS", "V2ENHANCEDPERSONS", "V1ORGANIZATIONS", "V2ENHANCEDORGANIZATIONS",
    "V1.5TONE", "V2.1ENHANCEDDATES", "V2GCAM", "V2.1SHARINGIMAGE", "V2.1RELATEDIMAGES",
    "V2.1SOCIALIMAGEEMBEDS", "V2.1SOCIALVIDEOEMBEDS", "V2.1QUOTATIONS", "V2.1ALLNAMES", "V2.1AMOUNTS",
    "V2.1TRANSLATIONINFO", "V2EXTRASXML",
)  # fmt: skip
# CAMEO root codes (01-20), for readable titles.
CAMEO_ROOTS = {
    "01": "make public statement",
    "02": "appeal",
    "03": "express intent to cooperate",
    "04": "consult",
    "05": "engage in diplomatic cooperation",
    "06": "engage in material cooperation",
    "07": "provide aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threaten",
    "14": "protest",
    "15": "exhibit military posture",
    "16": "reduce relations",
    "17": "coerce",
    "18": "assault",
    "19": "fight",
    "20": "use unconventional mass violence",
}
QUAD_CLASSES = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict"}
EVENT_FILE = re.compile(r"^\d{14}\.(translation\.)?export\.csv(\.zip)?$", re.IGNORECASE)
GKG_FILE = re.compile(r"^\d{14}\.(translation\.)?gkg\.csv(\.zip)?$", re.IGNORECASE)
_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.DOTALL)
_AUTHORS = re.compile(r"<PAGE_AUTHORS>(.*?)</PAGE_AUTHORS>", re.DOTALL)
_CAMEO_COUNTRY = re.compile(r"^[A-Z]{3}$")


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _int(value: str) -> int | None:
    return int(value) if value.strip().lstrip("-").isdigit() else None


def _iso3_from_fips(code: str) -> str | None:
    return FIPS_TO_ISO3.get(code.strip().upper()) if code else None


class _TabFile(ABC):
    prefix = ""
    columns: tuple[str, ...] = ()

    def __init__(self, data: Input, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> None:
        self.data = data
        self.key = source or self.prefix
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield one item per line; a :class:`Rejected` for a line with the wrong columns or values."""
        expected = len(self.columns)
        for entry in text_lines(self.data, source=self.key, limits=self.limits, encoding="utf-8"):
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, line = entry
            if not line.strip():
                continue
            cells = line.split("\t")
            where = f"line {number}"
            if len(cells) != expected:
                yield Rejected(self.key, where, f"expected {expected} tab-separated columns, found {len(cells)}")
                continue
            yield self._item(cells, where)

    @abstractmethod
    def _item(self, cells: Sequence[str], where: str) -> RawItem | Rejected:
        """Turn one line's cells into an item, or say why it is rejected (each file layout has its own)."""


class GdeltEventsConnector(_TabFile):
    """GDELT 2.0 event export lines as ``event`` items (key ``gdelt:events``; id = GLOBALEVENTID).

    ``extra`` carries the CAMEO codes, quad class, Goldstein scale, mention/source/article counts, average tone,
    actor countries (ISO alpha-3 when the CAMEO code is a country), the action's country (from FIPS) and place.
    """

    prefix = "gdelt:events"
    columns = EVENT_COLUMNS

    def _item(self, cells: Sequence[str], where: str) -> RawItem | Rejected:
        row = dict(zip(self.columns, cells, strict=True))
        event_id = row["GLOBALEVENTID"].strip()
        if not event_id.isdigit():
            return Rejected(self.key, where, "GLOBALEVENTID is not a number")
        added = date_parse(row["DATEADDED"].strip())
        day = date_parse(row["SQLDATE"].strip())
        if added is None and day is None:
            return Rejected(self.key, where, "no readable DATEADDED or SQLDATE")
        quad = _int(row["QuadClass"])
        if quad not in QUAD_CLASSES:
            return Rejected(self.key, where, "QuadClass is not 1-4")
        root = row["EventRootCode"].strip().zfill(2)
        actor1 = plain(row["Actor1Name"]) or row["Actor1Code"].strip()
        actor2 = plain(row["Actor2Name"]) or row["Actor2Code"].strip()
        action = CAMEO_ROOTS.get(root, f"CAMEO {row['EventCode'].strip()}")
        place = plain(row["ActionGeo_FullName"])
        title = " — ".join(part for part in (actor1, action, actor2) if part)
        text = clean_text(f"{title}." + (f" {place}." if place else ""))
        url = row["SOURCEURL"].strip()
        extra: dict[str, Any] = {
            "event_code": row["EventCode"].strip(),
            "event_base_code": row["EventBaseCode"].strip(),
            "event_root_code": root,
            "quad_class": QUAD_CLASSES[quad],
            "goldstein": _float(row["GoldsteinScale"]),
            "num_mentions": _int(row["NumMentions"]),
            "num_sources": _int(row["NumSources"]),
            "num_articles": _int(row["NumArticles"]),
            "avg_tone": _float(row["AvgTone"]),
            "is_root_event": row["IsRootEvent"].strip() == "1",
            "actor1": {"code": row["Actor1Code"].strip(), "name": actor1, "country": _cameo(row["Actor1CountryCode"])},
            "actor2": {"code": row["Actor2Code"].strip(), "name": actor2, "country": _cameo(row["Actor2CountryCode"])},
            "action_country": _iso3_from_fips(row["ActionGeo_CountryCode"]),
            "action_place": place or None,
            "action_lat": _float(row["ActionGeo_Lat"]),
            "action_long": _float(row["ActionGeo_Long"]),
            "event_date": day.date().isoformat() if day else None,
        }
        item = RawItem(
            source=self.key,
            kind="event",
            external_id=event_id,
            url=url if url.lower().startswith(("http://", "https://")) else None,
            title=title,
            text=text,
            published=added or day,
            extra=extra,
        )
        return item_check(item, position=where)


def _cameo(code: str) -> str | None:
    code = code.strip().upper()
    return code if _CAMEO_COUNTRY.match(code) else None


def _split(value: str, separator: str = ";") -> list[str]:
    return [part for part in (piece.strip() for piece in value.split(separator)) if part]


class GdeltGkgConnector(_TabFile):
    """GDELT GKG 2.1 lines as ``article`` items (key ``gdelt:gkg``; id = GKGRECORDID; URL = the document).

    GKG holds no article text: ``title`` is the page title from V2EXTRASXML and ``text`` repeats it. ``extra``
    carries themes, persons, organisations, location countries (ISO alpha-3 from FIPS), tone figures, the
    source name and the translation info.
    """

    prefix = "gdelt:gkg"
    columns = GKG_COLUMNS

    def _item(self, cells: Sequence[str], where: str) -> RawItem | Rejected:
        row = dict(zip(self.columns, cells, strict=True))
        record_id = row["GKGRECORDID"].strip()
        if not re.fullmatch(r"\d{14}-(T)?\d+", record_id):
            return Rejected(self.key, where, "GKGRECORDID is not in the form YYYYMMDDHHMMSS-N")
        moment = date_parse(row["V2.1DATE"].strip())
        if moment is None:
            return Rejected(self.key, where, "unreadable V2.1DATE")
        extras = row["V2EXTRASXML"]
        title_match = _TITLE.search(extras)
        title = plain(html.unescape(title_match.group(1))) if title_match else ""
        authors_match = _AUTHORS.search(extras)
        document = row["V2DOCUMENTIDENTIFIER"].strip()
        is_web = row["V2SOURCECOLLECTIONIDENTIFIER"].strip() == "1"
        url = document if is_web and document.lower().startswith(("http://", "https://")) else None
        tone_values = [_float(v) for v in row["V1.5TONE"].split(",")] if row["V1.5TONE"].strip() else []
        countries: list[str] = []
        for location in _split(row["V1LOCATIONS"]):
            parts = location.split("#")
            iso3 = _iso3_from_fips(parts[2]) if len(parts) > 2 else None
            if iso3 and iso3 not in countries:
                countries.append(iso3)
        translation = row["V2.1TRANSLATIONINFO"].strip()
        lang_match = re.search(r"srclc:([a-z]{3})", translation)
        extra: dict[str, Any] = {
            "source_name": row["V2SOURCECOMMONNAME"].strip(),
            "themes": _split(row["V1THEMES"])[:200],
            "persons": [plain(p) for p in _split(row["V1PERSONS"])][:200],
            "organisations": [plain(o) for o in _split(row["V1ORGANIZATIONS"])][:200],
            "countries": countries,
            "tone": tone_values[0] if tone_values else None,
            "tone_positive": tone_values[1] if len(tone_values) > 1 else None,
            "tone_negative": tone_values[2] if len(tone_values) > 2 else None,
            "word_count": int(tone_values[6]) if len(tone_values) > 6 and tone_values[6] is not None else None,
            "translation": translation or None,
        }
        item = RawItem(
            source=self.key,
            kind="article",
            external_id=record_id,
            url=url,
            title=title or document,
            text=title,
            published=moment,
            lang=_ISO639_3_TO_1.get(lang_match.group(1)) if lang_match else None,
            author=plain(html.unescape(authors_match.group(1))) or None if authors_match else None,
            extra=extra,
        )
        return item_check(item, position=where)


# Source languages GDELT's translingual feed names most often (ISO 639-2/3 -> 639-1).
_ISO639_3_TO_1 = {
    "vie": "vi", "eng": "en", "zho": "zh", "fra": "fr", "deu": "de", "spa": "es", "rus": "ru", "jpn": "ja",
    "kor": "ko", "ara": "ar", "por": "pt", "ita": "it", "tha": "th", "ind": "id", "msa": "ms", "khm": "km",
    "lao": "lo", "hin": "hi", "tur": "tr", "nld": "nl", "pol": "pl", "ukr": "uk", "fas": "fa", "heb": "he",
}  # fmt: skip
