"""Interval estimates for initiative trackers: Wilson intervals for shares, Student-t intervals for mean scores.

Pure functions (no Django). Every estimate carries its sample size, and a sample below ``SMALL_SAMPLE`` is
flagged so that pages say so plainly rather than present a wide interval as a finding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
SMALL_SAMPLE = 30
# Student t 0.975 quantiles for 1..30 degrees of freedom; beyond that the normal quantile is used.
T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Share:
    """A proportion ``k / n`` with its 95 % Wilson score interval (all None when ``n`` is 0)."""

    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean score with its 95 % Student-t interval (None when ``n`` is 0; no interval when 1)."""

    n: int
    value: float | None
    low: float | None
    high: float | None


def wilson(k: int, n: int, *, z: float = Z95) -> Share:
    """Return the Wilson score interval of ``k`` successes in ``n`` trials (needs ``0 <= k <= n``)."""
    if n < 0 or k < 0 or k > n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return Share(k=0, n=0, value=None, low=None, high=None)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact at the edges (no rounding residue)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Share(k=k, n=n, value=p, low=low, high=high)


def t975(df: int) -> float:
    """Return the 0.975 quantile of Student's t with ``df`` degrees of freedom (normal beyond 30)."""
    return T975[df - 1] if 1 <= df <= len(T975) else Z95


def mean_interval(values: Sequence[float], *, low: float = -1.0, high: float = 1.0) -> Mean:
    """Return the mean of ``values`` with a 95 % t interval (t · sd / sqrt n), clipped to ``[low, high]``."""
    n = len(values)
    if n == 0:
        return Mean(n=0, value=None, low=None, high=None)
    mean = math.fsum(values) / n
    if n == 1:
        return Mean(n=1, value=mean, low=None, high=None)
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t975(n - 1) * math.sqrt(variance / n)
    return Mean(n=n, value=mean, low=max(low, mean - half), high=min(high, mean + half))


def is_small(n: int) -> bool:
    """True when a sample of ``n`` is too small to read a trend from (fewer than ``SMALL_SAMPLE``)."""
    return n < SMALL_SAMPLE
