"""Every file connector, given arbitrary bytes, yields only items and reasoned rejections: it never raises."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest.base import KINDS, RawItem, Rejected
from chancery_analytics.ingest.gdelt import GKG_COLUMNS, GdeltGkgConnector
from chancery_analytics.ingest.sniff import FORMATS

from .test_gdelt import GKG


def _check(results: list[RawItem | Rejected]) -> None:
    for result in results:
        assert isinstance(result, RawItem | Rejected)
        if isinstance(result, Rejected):
            assert result.reason
            assert result.position
        else:
            assert result.kind in KINDS
            assert result.external_id
            assert result.title or result.text
            assert result.published is None or result.published.utcoffset() is not None
            json.dumps(dict(result.extra), default=str)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(name: str, data: bytes) -> None:
    _check(list(FORMATS[name](data).read()))


text_cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Co"), blacklist_characters="\t\n\r"), max_size=30
)


@pytest.mark.parametrize("name", ["csv", "imf-sdmx-csv", "fred-csv", "worldbank-csv"])
@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(text_cells, min_size=1, max_size=6), min_size=1, max_size=8))
def test_arbitrary_csv_tables_never_raise(name: str, rows: list[list[str]]) -> None:
    body = "\n".join(",".join(row) for row in rows).encode()
    _check(list(FORMATS[name](body).read()))


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=15),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=15,
)


@pytest.mark.parametrize("name", ["worldbank-json", "x", "mastodon", "facebook", "telegram"])
@settings(max_examples=80, deadline=None)
@given(value=json_values)
def test_arbitrary_json_documents_never_raise(name: str, value: Any) -> None:
    _check(list(FORMATS[name](json.dumps(value).encode()).read()))


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**9),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&\u200b\ufffe\uffff"),
        min_size=1,
        max_size=60,
    ).filter(str.strip),
    st.lists(st.sampled_from(["VM", "CH", "JA", "US", "XX"]), max_size=4),
)
def test_generated_gkg_records_round_trip(serial: int, title: str, fips: list[str]) -> None:
    cells = list(GKG)
    cells[0] = f"20250101121500-{serial}"
    cells[9] = ";".join(f"1#Place#{code}#{code}#0#0#{code}" for code in fips)
    cells[26] = f"<PAGE_TITLE>{title}</PAGE_TITLE>"
    assert len(cells) == len(GKG_COLUMNS)
    (item,) = list(GdeltGkgConnector("\t".join(cells).encode()).read())
    assert isinstance(item, RawItem)
    assert item.external_id == cells[0]
    assert item.title.split() == unicodedata.normalize("NFC", title).split()
    expected = {"VM": "VNM", "CH": "CHN", "JA": "JPN", "US": "USA"}
    assert item.extra["countries"] == list(dict.fromkeys(expected[c] for c in fips if c in expected))
