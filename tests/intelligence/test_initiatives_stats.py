"""Interval estimates of initiative trackers: known values, edges and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chancery.intelligence.initiatives_stats import is_small, mean_interval, wilson


def test_wilson_known_values() -> None:
    share = wilson(5, 10)
    assert share.value == 0.5
    assert share.low == pytest.approx(0.2366, abs=1e-4)
    assert share.high == pytest.approx(0.7634, abs=1e-4)
    none = wilson(0, 20)  # a zero count still has a non-zero upper bound
    assert none.low == 0.0
    assert none.high == pytest.approx(0.1611, abs=1e-4)


def test_wilson_empty_and_bad_counts() -> None:
    empty = wilson(0, 0)
    assert (empty.n, empty.value, empty.low, empty.high) == (0, None, None, None)
    with pytest.raises(ValueError):
        wilson(3, 2)
    with pytest.raises(ValueError):
        wilson(-1, 2)


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_holds_the_share(kn: tuple[int, int]) -> None:
    k, n = kn
    share = wilson(k, n)
    assert share.low is not None
    assert share.high is not None
    assert share.value is not None
    assert 0.0 <= share.low <= share.value + 1e-12 <= share.high + 2e-12 <= 1.0 + 2e-12


def test_mean_interval_known_values() -> None:
    mean = mean_interval([0.5, -0.5, 0.5, -0.5])
    assert mean.value == 0.0
    sd = math.sqrt(1 / 3)
    assert mean.high == pytest.approx(3.182 * sd / 2, abs=1e-5)
    assert mean.low == pytest.approx(-3.182 * sd / 2, abs=1e-5)
    one = mean_interval([0.3])
    assert (one.n, one.value, one.low, one.high) == (1, 0.3, None, None)
    assert mean_interval([]).value is None


@given(st.lists(st.floats(min_value=-1, max_value=1), min_size=2, max_size=200))
def test_mean_interval_is_clipped_and_holds_the_mean(values: list[float]) -> None:
    mean = mean_interval(values)
    assert mean.low is not None
    assert mean.high is not None
    assert mean.value is not None
    assert -1.0 <= mean.low <= mean.value + 1e-9
    assert mean.value - 1e-9 <= mean.high <= 1.0


def test_small_samples_are_flagged() -> None:
    assert is_small(29)
    assert not is_small(30)
