"""Economic indicators as ``indicator`` items: World Bank API JSON and CSV, IMF SDMX-CSV, FRED CSV.

Every observation becomes one item whose ``extra`` is ``{"indicator", "country" (ISO 3166-1 alpha-3),
"period", "value" (a float)}`` plus the indicator's name; ``external_id`` is ``indicator:country:period`` so a
re-read is recognised. Missing values (empty, ``..``, FRED's ``.``) are skipped silently: they are not errors.
An observation with an unknown country or a value that is not a finite number is rejected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycountry

from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.records import (
    DEFAULT_MAX_INPUT_BYTES,
    Input,
    InputError,
    Limits,
    csv_rows,
    json_document,
)
from chancery_analytics.ingest.text import plain

MISSING = frozenset({"", ".", "..", "NA", "N/A", "NaN", "nan", "null", "-"})
# FRED's two-letter codes in its exchange-rate series (DEXCHUS, EXJPUS, AEXUSEU...), H.10 and G.5 releases.
FRED_FX_COUNTRIES = {
    "AL": "AUS", "BZ": "BRA", "CA": "CAN", "CH": "CHN", "DN": "DNK", "HK": "HKG", "IN": "IND", "JP": "JPN",
    "KO": "KOR", "MA": "MYS", "MX": "MEX", "NZ": "NZL", "NO": "NOR", "SI": "SGP", "SF": "ZAF", "SL": "LKA",
    "SD": "SWE", "SZ": "CHE", "TA": "TWN", "TH": "THA", "UK": "GBR", "VZ": "VEN",
}  # fmt: skip
_FRED_FX = re.compile(r"^(?:DEX|EX|AEX)(US([A-Z]{2})|([A-Z]{2})US)$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-?M?(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def period_parse(value: str) -> tuple[str, datetime] | None:
    """Normalise a period (``2020``, ``2020Q1``/``2020-Q1``, ``2020M03``/``2020-03``, ``2020-03-01``).

    Returns ``(period, start)``: the period as ``YYYY``, ``YYYY-Qn``, ``YYYY-MM`` or ``YYYY-MM-DD`` and its first
    instant in UTC; None for anything else.
    """
    text = value.strip().upper()
    try:
        if match := _YEAR.match(text):
            return match.group(1), datetime(int(match.group(1)), 1, 1, tzinfo=UTC)
        if match := _QUARTER.match(text):
            year, quarter = int(match.group(1)), int(match.group(2))
            return f"{year}-Q{quarter}", datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)
        if match := _MONTH.match(text):
            year, month = int(match.group(1)), int(match.group(2))
            return f"{year}-{month:02d}", datetime(year, month, 1, tzinfo=UTC)
        if match := _DAY.match(text):
            start = datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)), tzinfo=UTC)
            return start.date().isoformat(), start
    except ValueError:
        return None
    return None


def country_iso3(value: str) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-3 or alpha-2 code or a country name (pycountry); None when unknown."""
    text = value.strip()
    if not text:
        return None
    code = text.split(":", 1)[0].strip().upper()  # SDMX-CSV "both" labels: "USA: United States"
    if len(code) == 3 and code.isalpha():
        found = pycountry.countries.get(alpha_3=code)
        return str(found.alpha_3) if found else None
    if len(code) == 2 and code.isalpha():
        found = pycountry.countries.get(alpha_2=code)
        return str(found.alpha_3) if found else None
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return None


def value_parse(value: object) -> float | str | None:
    """A float for a number, None for a missing marker, or an error string for anything else."""
    if value is None or (isinstance(value, str) and value.strip() in MISSING):
        return None
    if isinstance(value, bool):
        return "value is not a number"
    try:
        number = float(value.strip().replace(",", "") if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "value is not a number"
    return number if math.isfinite(number) else "value is not a finite number"


def indicator_item(
    *,
    source: str,
    indicator: str,
    indicator_name: str,
    country: str,
    country_name: str | None,
    period: str,
    start: datetime,
    value: float,
    extra: Mapping[str, Any] | None = None,
) -> RawItem:
    """Build one ``indicator`` item in the shared shape (see the module docstring)."""
    where = country_name or country
    name = indicator_name or indicator
    return RawItem(
        source=source,
        kind="indicator",
        external_id=f"{indicator}:{country}:{period}",
        url=None,
        title=f"{name} — {where} {period}",
        text=f"{name}: {value:g} ({where}, {period})",
        published=start,
        extra={
            "indicator": indicator,
            "indicator_name": name,
            "country": country,
            "period": period,
            "value": value,
            **(extra or {}),
        },
    )


class _Observation:
    """Validate one observation and turn it into an item or a rejection (or None when the value is missing)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def build(
        self,
        where: str,
        *,
        indicator: str,
        indicator_name: str,
        country_raw: str,
        period_raw: str,
        value_raw: object,
        country_name: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> RawItem | Rejected | None:
        value = value_parse(value_raw)
        if value is None:
            return None
        if isinstance(value, str):
            return Rejected(self.source, where, value)
        if not indicator:
            return Rejected(self.source, where, "no indicator code")
        country = country_iso3(country_raw)
        if country is None:
            return Rejected(self.source, where, f"not an ISO country: {country_raw[:40]!r}")
        period = period_parse(period_raw)
        if period is None:
            return Rejected(self.source, where, f"unreadable period: {period_raw[:40]!r}")
        return indicator_item(
            source=self.source,
            indicator=indicator,
            indicator_name=indicator_name,
            country=country,
            country_name=country_name,
            period=period[0],
            start=period[1],
            value=value,
            extra=extra,
        )


class WorldBankJsonConnector:
    """World Bank API v2 JSON (``[{page meta}, [observations]]`` or the list alone); key ``worldbank``."""

    def __init__(self, data: Input, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> None:
        self.data = data
        self.key = source or "worldbank"
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield one item per observation with a value; a :class:`Rejected` per bad observation."""
        try:
            document = json_document(self.data, limits=self.limits)
        except InputError as error:
            yield Rejected(self.key, "document", error.reason)
            return
        rows: Any = document
        if isinstance(document, list) and len(document) == 2 and isinstance(document[0], Mapping):
            if "message" in document[0]:
                yield Rejected(self.key, "document", "the API returned an error message")
                return
            rows = document[1]
        elif isinstance(document, list) and len(document) == 1 and _mapping(document[0]).get("message"):
            yield Rejected(self.key, "document", "the API returned an error message")
            return
        if not isinstance(rows, list):
            yield Rejected(self.key, "document", "not a World Bank API response (no list of observations)")
            return
        build = _Observation(self.key)
        for index, row in enumerate(rows, start=1):
            where = f"observation {index}"
            if not isinstance(row, Mapping):
                yield Rejected(self.key, where, "observation is not a JSON object")
                continue
            indicator = _mapping(row.get("indicator"))
            country = _mapping(row.get("country"))
            result = build.build(
                where,
                indicator=str(indicator.get("id") or "").strip(),
                indicator_name=plain(indicator.get("value")),
                country_raw=str(row.get("countryiso3code") or country.get("id") or ""),
                country_name=plain(country.get("value")) or None,
                period_raw=str(row.get("date") or ""),
                value_raw=row.get("value"),
            )
            if result is not None:
                yield result


class WorldBankCsvConnector:
    """World Bank CSV (key ``worldbank``): the API's wide download or a long ``Country Code, Year, Value`` table.

    Wide: a few preamble lines, then ``Country Name, Country Code, Indicator Name, Indicator Code, 1960, …``.
    Long (e.g. datasets/gdp): ``Country Name, Country Code, Year, Value``; the indicator is ``indicator=`` or
    the file's name. Aggregates (``WLD``, ``EAS``...) are not ISO countries and are rejected.
    """

    def __init__(
        self,
        data: Input,
        *,
        source: str | None = None,
        indicator: str | None = None,
        encoding: str | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.data = data
        self.key = source or "worldbank"
        self.indicator = indicator or ("upload" if isinstance(data, bytes) else Path(data).name.split(".")[0])
        self.encoding = encoding
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield one item per non-empty cell (wide) or row (long); a :class:`Rejected` per bad one."""
        header: list[str] | None = None
        build = _Observation(self.key)
        rows = csv_rows(self.data, source=self.key, limits=self.limits, encoding=self.encoding, delimiter=",")
        for entry in rows:
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, cells = entry
            if header is None:
                if cells[0].strip().lstrip("\ufeff") in {"Country Name", "Country"}:
                    header = [cell.strip() for cell in cells]
                elif number > 10:
                    yield Rejected(self.key, "input", "no 'Country Name' header in the first 10 lines")
                    return
                continue
            yield from self._row(build, header, cells, f"line {number}")

    def _row(
        self, build: _Observation, header: Sequence[str], cells: Sequence[str], where: str
    ) -> Iterator[RawItem | Rejected]:
        row = dict(zip(header, cells, strict=False))
        if "Indicator Code" in row:
            for column in header[4:]:
                if not period_parse(column) or not row.get(column, "").strip():
                    continue
                result = build.build(
                    f"{where} column {column}",
                    indicator=row["Indicator Code"].strip(),
                    indicator_name=plain(row.get("Indicator Name")),
                    country_raw=row.get("Country Code", ""),
                    country_name=plain(row.get("Country Name")) or None,
                    period_raw=column,
                    value_raw=row[column],
                )
                if result is not None:
                    yield result
            return
        value_column = header[-1]
        result = build.build(
            where,
            indicator=self.indicator,
            indicator_name=self.indicator,
            country_raw=row.get("Country Code", ""),
            country_name=plain(row.get("Country Name") or row.get("Country")) or None,
            period_raw=row.get("Year", ""),
            value_raw=row.get(value_column),
        )
        if result is not None:
            yield result


_SDMX_LEADING = frozenset({"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION"})
_SDMX_AREA = ("REF_AREA", "COUNTRY", "JURISDICTION", "AREA")


class ImfSdmxCsvConnector:
    """IMF data in SDMX-CSV (1.0 ``DATAFLOW,…`` or 2.0 ``STRUCTURE,STRUCTURE_ID,ACTION,…``); key ``imf``.

    The dimensions are the columns between the leading structure columns and ``TIME_PERIOD``; the country is
    ``REF_AREA`` (ISO alpha-2 or alpha-3, code-and-label cells accepted), the indicator ``INDICATOR`` (else the
    dataflow and the series key).
    """

    def __init__(
        self,
        data: Input,
        *,
        source: str | None = None,
        encoding: str | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.data = data
        self.key = source or "imf"
        self.encoding = encoding
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield one item per observation; a :class:`Rejected` per bad one."""
        header: list[str] | None = None
        build = _Observation(self.key)
        for entry in csv_rows(self.data, source=self.key, limits=self.limits, encoding=self.encoding):
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, cells = entry
            if header is None:
                header = [cell.strip().lstrip("\ufeff").upper() for cell in cells]
                missing = {"TIME_PERIOD", "OBS_VALUE"} - set(header)
                area = next((name for name in _SDMX_AREA if name in header), None)
                if missing or area is None:
                    absent = sorted(missing | ({"REF_AREA"} if area is None else set()))
                    yield Rejected(self.key, "line 1", f"not SDMX-CSV: no {', '.join(absent)} column")
                    return
                continue
            result = self._row(build, header, cells, f"line {number}")
            if result is not None:
                yield result

    def _row(self, build: _Observation, header: list[str], cells: list[str], where: str) -> RawItem | Rejected | None:
        if len(cells) < len(header):
            return Rejected(self.key, where, f"expected {len(header)} columns, found {len(cells)}")
        row = dict(zip(header, cells, strict=False))
        area = next(name for name in _SDMX_AREA if name in header)
        dataflow = (row.get("DATAFLOW") or row.get("STRUCTURE_ID") or "").split(":", 1)[-1].split("(", 1)[0]
        time_index = header.index("TIME_PERIOD")
        dimensions = [
            (name, row[name].split(":", 1)[0].strip())
            for name in header[:time_index]
            if name not in _SDMX_LEADING and name != area
        ]
        indicator = row.get("INDICATOR", "").split(":", 1)[0].strip()
        series = ".".join(value for _, value in dimensions)
        if not indicator:
            indicator = f"{dataflow}.{series}" if dataflow else series
        label = row["INDICATOR"].split(":", 1)[1].strip() if ":" in row.get("INDICATOR", "") else indicator
        return build.build(
            where,
            indicator=indicator,
            indicator_name=plain(label),
            country_raw=row[area],
            period_raw=row["TIME_PERIOD"],
            value_raw=row["OBS_VALUE"],
            extra={"dataflow": dataflow or None, "dimensions": dict(dimensions)},
        )


def fred_country(series: str) -> str | None:
    """The ISO alpha-3 country of a FRED exchange-rate series (``DEXCHUS`` → ``CHN``); None for other series."""
    match = _FRED_FX.match(series.strip().upper())
    if not match:
        return None
    code = match.group(2) or match.group(3)
    return FRED_FX_COUNTRIES.get(code)


class FredCsvConnector:
    """FRED CSV downloads (``observation_date``/``DATE`` then one column per series); key ``fred``.

    The country is ``country=`` (ISO alpha-3, for every series of the file), else known from the exchange-rate
    series code; a series with neither is rejected once, with a hint to pass ``country=``.
    """

    def __init__(
        self,
        data: Input,
        *,
        source: str | None = None,
        country: str | None = None,
        names: Mapping[str, str] | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.data = data
        self.key = source or "fred"
        self.country = country
        self.names = dict(names or {})
        self.limits = Limits(max_bytes=max_bytes)

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield one item per observation; a :class:`Rejected` per bad one or per series without a country."""
        header: list[str] | None = None
        build = _Observation(self.key)
        countries: dict[str, str | None] = {}
        for entry in csv_rows(self.data, source=self.key, limits=self.limits, delimiter=","):
            if isinstance(entry, Rejected):
                yield entry
                continue
            number, cells = entry
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in cells]
                if header[0].lower() not in {"observation_date", "date"} or len(header) < 2:
                    yield Rejected(self.key, "line 1", "not a FRED CSV (first column is not observation_date/DATE)")
                    return
                for series in header[1:]:
                    countries[series] = country_iso3(self.country) if self.country else fred_country(series)
                    if countries[series] is None:
                        reason = f"series {series}: no known country (pass country=)"
                        yield Rejected(self.key, "line 1", reason)
                continue
            for series, raw in zip(header[1:], cells[1:], strict=False):
                iso3 = countries.get(series)
                if iso3 is None:
                    continue
                result = build.build(
                    f"line {number} {series}",
                    indicator=series,
                    indicator_name=self.names.get(series, series),
                    country_raw=iso3,
                    period_raw=cells[0],
                    value_raw=raw,
                )
                if result is not None:
                    yield result
