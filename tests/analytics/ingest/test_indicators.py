"""Economic indicators: World Bank JSON and CSV, IMF SDMX-CSV, FRED CSV -> indicator items with ISO-3 countries."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest import connector_for
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.indicators import (
    FredCsvConnector,
    ImfSdmxCsvConnector,
    WorldBankCsvConnector,
    WorldBankJsonConnector,
    country_iso3,
    fred_country,
    period_parse,
)


def _items(results: list[RawItem | Rejected]) -> list[RawItem]:
    return [r for r in results if isinstance(r, RawItem)]


def _rejected(results: list[RawItem | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


def _extra(item: RawItem) -> tuple[str, str, str, float]:
    return item.extra["indicator"], item.extra["country"], item.extra["period"], item.extra["value"]


WB_JSON = [
    {"page": 1, "pages": 1, "per_page": 50, "total": 4, "sourceid": "2", "lastupdated": "2025-01-28"},
    [
        {
            "indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
            "country": {"id": "VN", "value": "Viet Nam"},
            "countryiso3code": "VNM",
            "date": "2023",
            "value": 429716969632.0,
            "unit": "",
            "obs_status": "",
            "decimal": 0,
        },
        {
            "indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
            "country": {"id": "VN", "value": "Viet Nam"},
            "countryiso3code": "VNM",
            "date": "2024",
            "value": None,
        },
        {
            "indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
            "country": {"id": "1W", "value": "World"},
            "countryiso3code": "WLD",
            "date": "2023",
            "value": 1.0e14,
        },
        "junk",
    ],
]


def test_world_bank_api_json(tmp_path: Path) -> None:
    path = tmp_path / "wb.json"
    path.write_text(json.dumps(WB_JSON), encoding="utf-8")
    connector = connector_for(str(path))
    assert isinstance(connector, WorldBankJsonConnector)
    results = list(connector.read())
    (item,) = _items(results)
    assert item.kind == "indicator"
    assert item.external_id == "NY.GDP.MKTP.CD:VNM:2023"
    assert _extra(item) == ("NY.GDP.MKTP.CD", "VNM", "2023", 429716969632.0)
    assert item.published == datetime(2023, 1, 1, tzinfo=UTC)
    assert "Viet Nam" in item.title
    assert [(r.position, r.reason) for r in _rejected(results)] == [
        ("observation 3", "not an ISO country: 'WLD'"),
        ("observation 4", "observation is not a JSON object"),
    ]


def test_world_bank_api_error_message(tmp_path: Path) -> None:
    path = tmp_path / "err.json"
    path.write_text(json.dumps([{"message": [{"id": "120", "value": "Invalid value"}]}]), encoding="utf-8")
    (rejected,) = list(WorldBankJsonConnector(path).read())
    assert isinstance(rejected, Rejected)
    assert "error message" in rejected.reason


WB_WIDE = """"Data Source","World Development Indicators",

"Last Updated Date","2025-01-28",

"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022","2023",
"Viet Nam","VNM","Inflation, consumer prices (annual %)","FP.CPI.TOTL.ZG","1.83","3.16","3.25",
"Japan","JPN","Inflation, consumer prices (annual %)","FP.CPI.TOTL.ZG","-0.23","2.50","",
"East Asia & Pacific","EAS","Inflation, consumer prices (annual %)","FP.CPI.TOTL.ZG","2.1","x",""
"""


def test_world_bank_wide_csv(tmp_path: Path) -> None:
    path = tmp_path / "API_FP.CPI.TOTL.ZG_DS2_en_csv_v2.csv"
    path.write_text(WB_WIDE, encoding="utf-8-sig")
    connector = connector_for(str(path))
    assert isinstance(connector, WorldBankCsvConnector)
    results = list(connector.read())
    assert [_extra(i) for i in _items(results)] == [
        ("FP.CPI.TOTL.ZG", "VNM", "2021", 1.83),
        ("FP.CPI.TOTL.ZG", "VNM", "2022", 3.16),
        ("FP.CPI.TOTL.ZG", "VNM", "2023", 3.25),
        ("FP.CPI.TOTL.ZG", "JPN", "2021", -0.23),
        ("FP.CPI.TOTL.ZG", "JPN", "2022", 2.5),
    ]
    assert [(r.position, r.reason) for r in _rejected(results)] == [
        ("line 8 column 2021", "not an ISO country: 'EAS'"),
        ("line 8 column 2022", "value is not a number"),
    ]


def test_world_bank_long_csv_as_in_the_development_data(tmp_path: Path) -> None:
    path = tmp_path / "gdp_current_usd.csv"
    path.write_text("Country Name,Country Code,Year,Value\nViet Nam,VNM,2020,346615738537.3\n", encoding="utf-8")
    (item,) = list(connector_for(str(path), indicator="NY.GDP.MKTP.CD").read())
    assert isinstance(item, RawItem)
    assert _extra(item) == ("NY.GDP.MKTP.CD", "VNM", "2020", 346615738537.3)


IMF_SDMX = """DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS
IMF.STA:CPI(3.0.1),M,VNM,PCPI_IX: Consumer price index,2024-01,112.5,0,
IMF.STA:CPI(3.0.1),M,US,PCPI_IX,2024-M02,310.3,0,
IMF.STA:CPI(3.0.1),Q,JPN,PCPI_IX,2024-Q1,107.0,0,
IMF.STA:CPI(3.0.1),M,G001,PCPI_IX,2024-01,100,0,
IMF.STA:CPI(3.0.1),M,VNM,PCPI_IX,2024-13,100,0,
IMF.STA:CPI(3.0.1),M,VNM,PCPI_IX,2024-02,inf,0,
IMF.STA:CPI(3.0.1),M,VNM
"""


def test_imf_sdmx_csv(tmp_path: Path) -> None:
    path = tmp_path / "imf_cpi.csv"
    path.write_text(IMF_SDMX, encoding="utf-8")
    connector = connector_for(str(path))
    assert isinstance(connector, ImfSdmxCsvConnector)
    results = list(connector.read())
    items = _items(results)
    assert [_extra(i) for i in items] == [
        ("PCPI_IX", "VNM", "2024-01", 112.5),
        ("PCPI_IX", "USA", "2024-02", 310.3),
        ("PCPI_IX", "JPN", "2024-Q1", 107.0),
    ]
    assert items[0].extra["indicator_name"] == "Consumer price index"
    assert items[0].extra["dataflow"] == "CPI"
    assert items[2].published == datetime(2024, 1, 1, tzinfo=UTC)
    assert [(r.position, r.reason) for r in _rejected(results)] == [
        ("line 5", "not an ISO country: 'G001'"),
        ("line 6", "unreadable period: '2024-13'"),
        ("line 7", "value is not a finite number"),
        ("line 8", "expected 8 columns, found 3"),
    ]


def test_sdmx_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("DATAFLOW,FREQ,TIME_PERIOD,OBS_VALUE\nA,M,2024-01,1\n", encoding="utf-8")
    (rejected,) = list(ImfSdmxCsvConnector(path).read())
    assert isinstance(rejected, Rejected)
    assert "REF_AREA" in rejected.reason


@pytest.mark.parametrize("date_column", ["observation_date", "DATE"])
def test_fred_csv(tmp_path: Path, date_column: str) -> None:
    path = tmp_path / "DEXCHUS.csv"
    path.write_text(f"{date_column},DEXCHUS,DEXUSEU\n2024-01-02,7.1,1.09\n2024-01-03,.,1.1\n", encoding="utf-8")
    connector = connector_for(str(path))
    assert isinstance(connector, FredCsvConnector)
    results = list(connector.read())
    assert [_extra(i) for i in _items(results)] == [("DEXCHUS", "CHN", "2024-01-02", 7.1)]
    assert [r.reason for r in _rejected(results)] == ["series DEXUSEU: no known country (pass country=)"]


def test_fred_csv_with_an_explicit_country(tmp_path: Path) -> None:
    path = tmp_path / "GDP.csv"
    path.write_text("observation_date,GDP\n2024-01-01,28269.2\n", encoding="utf-8")
    (item,) = list(FredCsvConnector(path, country="USA", names={"GDP": "Gross Domestic Product"}).read())
    assert isinstance(item, RawItem)
    assert _extra(item) == ("GDP", "USA", "2024-01-01", 28269.2)
    assert item.title.startswith("Gross Domestic Product")


def test_country_and_period_helpers() -> None:
    assert country_iso3("VN") == "VNM"
    assert country_iso3("vnm") == "VNM"
    assert country_iso3("USA: United States") == "USA"
    assert country_iso3("Japan") == "JPN"
    assert country_iso3("EAS") is None
    assert fred_country("EXJPUS") == "JPN"
    assert fred_country("AEXUSUK") == "GBR"
    assert fred_country("GDP") is None
    assert period_parse("2020M03") == ("2020-03", datetime(2020, 3, 1, tzinfo=UTC))
    assert period_parse("2020Q4") == ("2020-Q4", datetime(2020, 10, 1, tzinfo=UTC))
    assert period_parse("2020-02-30") is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=12))
def test_period_parse_never_raises_and_starts_in_the_period(text: str) -> None:
    parsed = period_parse(text)
    if parsed is not None:
        period, start = parsed
        assert period.startswith(str(start.year))
        assert start.tzinfo is UTC


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["VNM", "JPN", "US", "FR", "XXX", ""]),
            st.integers(min_value=1900, max_value=2100),
            st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(["", "..", "abc"]),
        ),
        max_size=8,
    )
)
def test_generated_long_csv_rows_are_items_or_reasoned_rejections(rows: list[tuple[str, int, object]]) -> None:
    body = "Country Name,Country Code,Year,Value\n" + "".join(f"C,{c},{y},{v}\n" for c, y, v in rows)
    results = list(WorldBankCsvConnector(body.encode(), indicator="X").read())
    assert len(results) <= len(rows)
    for result in results:
        if isinstance(result, Rejected):
            number = int(result.position.removeprefix("line "))
            assert 2 <= number <= len(rows) + 1
            assert result.reason
            continue
        matching = [
            r for r in rows if str(r[1]) == result.extra["period"] and country_iso3(r[0]) == result.extra["country"]
        ]
        assert matching, result
        assert math.isfinite(result.extra["value"])
        assert result.extra["country"] in {"VNM", "JPN", "USA", "FRA"}
