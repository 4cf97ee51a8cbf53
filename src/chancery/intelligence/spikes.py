"""Spike detection: a day's figure against its own trailing baseline (z-score), pure and small.

For volume the baseline is the daily count on each of the ``window`` days before (zeros included); for tone it is
the daily mean tone on the baseline days that had stories. A spike needs at least ``min_count`` stories on the
day, at least ``min_baseline_days`` baseline days, and ``|z| >= z_threshold``. The standard deviation has a floor
(``std_floor``) so that a flat, quiet baseline does not make every small rise infinite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

VOLUME_STD_FLOOR = 1.0
TONE_STD_FLOOR = 0.1


@dataclass(frozen=True, slots=True)
class Spike:
    """Why an alert fires: the day's figure, the baseline's mean and standard deviation, and the z-score."""

    value: float
    mean: float
    std: float
    z: float
    count: int
    baseline_days: int

    def as_dict(self) -> dict[str, float | int]:
        """JSON-ready figures, rounded for display."""
        return {
            "value": round(self.value, 3),
            "mean": round(self.mean, 3),
            "std": round(self.std, 3),
            "z": round(self.z, 2),
            "count": self.count,
            "baseline_days": self.baseline_days,
        }


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Return the mean and population standard deviation of ``values`` ((0, 0) when empty)."""
    if not values:
        return 0.0, 0.0
    mean = math.fsum(values) / len(values)
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def spike_check(
    *,
    value: float,
    baseline: Sequence[float],
    count: int,
    min_count: int,
    z_threshold: float,
    std_floor: float,
    min_baseline_days: int = 7,
) -> Spike | None:
    """Return the :class:`Spike` when ``value`` is ``z_threshold`` sigmas or more from ``baseline``, else None."""
    if count < min_count or len(baseline) < min_baseline_days:
        return None
    mean, std = mean_std(baseline)
    z = (value - mean) / max(std, std_floor)
    if not math.isfinite(z) or abs(z) < z_threshold:
        return None
    return Spike(value=value, mean=mean, std=std, z=z, count=count, baseline_days=len(baseline))
