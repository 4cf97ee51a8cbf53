"""Drivers in plain words: each carries the indicator the model saw, in English and Vietnamese."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.forecast.explain import FORMATS, drivers_from_contributions, indicator_text

WORDS = {"deaths": ("deaths last month", "số người chết tháng trước"), "fx": ("depreciation", "mức mất giá")}


@pytest.mark.parametrize(
    ("value", "form", "shown"),
    [
        (math.log1p(340), "log1p_count", "340"),
        (0.25, "share", "25 %"),
        (math.log(1.125), "log_change", "+12.5 %"),
        (-0.31, "fraction", "-31.0 %"),
        (3.25, "percent", "3.2 %"),
        (7, "years", "7"),
        (math.log(2500), "log_level", "2,500"),
        (1.0, "flag", "1"),
        (0.42, "index", "0.42"),
        (None, "plain", ""),
        (math.nan, "share", ""),
    ],
)
def test_indicators_read_in_plain_units(value: float | None, form: str, shown: str) -> None:
    assert indicator_text(value, form) == shown


def test_drivers_carry_their_evidence_in_both_languages() -> None:
    drivers = drivers_from_contributions(
        {"deaths": 1.5, "fx": -0.2},
        WORDS,
        values={"deaths": math.log1p(40), "fx": math.nan},
        formats={"deaths": "log1p_count", "fx": "fraction"},
    )
    first, second = drivers
    assert first.evidence_en == "Indicator: deaths last month = 40."
    assert first.evidence_vi == "Chỉ số: số người chết tháng trước = 40."
    assert first.value == pytest.approx(math.log1p(40))
    assert second.value is None
    assert "no data" in second.evidence_en
    assert "không có dữ liệu" in second.evidence_vi
    plain = drivers_from_contributions({"deaths": 1.0}, WORDS)
    assert plain[0].evidence_en == ""


@given(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), st.sampled_from(FORMATS))
def test_indicator_text_never_fails(value: float | None, form: str) -> None:
    text = indicator_text(value, form)
    assert isinstance(text, str)
    if value is None or not math.isfinite(value):
        assert text == ""
