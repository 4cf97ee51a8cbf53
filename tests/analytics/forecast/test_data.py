import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.forecast.data import (
    DataError,
    month_index,
    month_label,
    parse_float,
    parse_int,
    parse_month,
    table_files,
    table_read,
)

from .conftest import write_csv


@given(st.text())
def test_parse_float_never_raises_and_is_finite_or_none(text: str) -> None:
    value = parse_float(text)
    assert value is None or math.isfinite(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_float_round_trips_numbers(number: float) -> None:
    assert parse_float(repr(number)) == number


@given(st.text())
def test_parse_int_and_month_never_raise(text: str) -> None:
    assert parse_int(text) is None or isinstance(parse_int(text), int)
    parsed = parse_month(text)
    assert parsed is None or 1 <= parsed[1] <= 12


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_month_index_and_label_are_inverse(year: int, month: int) -> None:
    assert parse_month(month_label(month_index(year, month))) == (year, month)
    assert parse_month(f"{year}-{month:02d}-01") == (year, month)


def test_month_rejects_nonsense() -> None:
    assert parse_month("2020-13") is None
    assert parse_month("2020-00-01") is None
    assert parse_month("20-01") is None
    assert parse_float("NA") is None
    assert parse_float("inf") is None
    assert parse_int("3.5") is None


def test_split_files_are_all_read_in_year_order_and_repeats_replace(tmp_path: Path) -> None:
    write_csv(tmp_path / "exports_2018_2020.csv", ["k", "v"], [["a", 3], ["c", 4]])
    write_csv(tmp_path / "exports_1960_2017.csv", ["k", "v"], [["a", 1], ["b", 2]])
    write_csv(tmp_path / "exports_other.csv", ["k", "v"], [["z", 9]])  # a different stem: not read
    assert [p.name for p in table_files(tmp_path, "exports")] == ["exports_1960_2017.csv", "exports_2018_2020.csv"]
    rows, report = table_read(tmp_path, "exports", ["k", "v"], key=lambda r: r["k"])
    assert {r["k"]: r["v"] for r in rows} == {"a": "3", "b": "2", "c": "4"}
    assert report.replaced == 1
    assert report.rows == 4


def test_malformed_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("k,v\na,1\nb\nc,3,extra\nd,4\n", encoding="utf-8")
    rows, report = table_read(tmp_path, "t", ["k", "v"])
    assert [r["k"] for r in rows] == ["a", "d"]
    assert report.skipped == {"malformed row (wrong number of fields)": 2}
    assert "2 malformed" in report.summary()


def test_missing_folder_file_or_column_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing data folder"):
        table_read(tmp_path / "absent", "t", ["k"])
    with pytest.raises(DataError, match="no file t"):
        table_read(tmp_path, "t", ["k"])
    write_csv(tmp_path / "t.csv", ["k"], [["a"]])
    with pytest.raises(DataError, match="missing column"):
        table_read(tmp_path, "t", ["k", "v"])
