"""Scores for forecasts: sample CRPS (raw and log1p), AUROC, AUPR, Brier, MALE and a calibration table.

Every function takes plain numpy arrays and returns floats (NaN when a score is undefined, e.g. AUROC
with one class only), so the backtest can print "n/a" instead of failing.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def crps_samples(samples: Array, observed: Array) -> Array:
    """Return the CRPS of each row of ``samples`` (n x m, equally weighted) against ``observed`` (n).

    Uses the sorted-sample identity E|X-y| - E|X-X'|/2 with E|X-X'| = 2/m^2 * sum_i (2i-m-1) x_(i).
    """
    ordered = np.sort(np.asarray(samples, dtype=np.float64), axis=1)
    y = np.asarray(observed, dtype=np.float64)
    m = ordered.shape[1]
    first = np.mean(np.abs(ordered - y[:, None]), axis=1)
    weights = 2.0 * np.arange(1, m + 1) - m - 1
    spread = (ordered @ weights) * 2.0 / (m * m)
    result: Array = first - 0.5 * spread
    return result


def crps_mean(samples: Array, observed: Array, *, log1p: bool = False) -> float:
    """Return the mean CRPS over rows; with ``log1p`` both samples and observations are log1p-transformed."""
    if len(observed) == 0:
        return math.nan
    if log1p:
        return float(np.mean(crps_samples(np.log1p(np.maximum(samples, 0)), np.log1p(np.maximum(observed, 0)))))
    return float(np.mean(crps_samples(samples, observed)))


def auroc(score: Array, label: npt.NDArray[np.bool_]) -> float:
    """Return the area under the ROC curve (ties count one half); NaN when only one class is present."""
    y = np.asarray(label, dtype=bool)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    ranks = _average_ranks(np.asarray(score, dtype=np.float64))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _average_ranks(values: Array) -> Array:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    ordered = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and ordered[end + 1] == ordered[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def aupr(score: Array, label: npt.NDArray[np.bool_]) -> float:
    """Return average precision (area under precision-recall, step-wise, ties grouped); NaN without positives."""
    y = np.asarray(label, dtype=bool)
    positives = int(y.sum())
    if positives == 0:
        return math.nan
    s = np.asarray(score, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    distinct = np.r_[np.nonzero(np.diff(s_sorted))[0], len(s_sorted) - 1]
    true_pos = np.cumsum(y_sorted)[distinct]
    predicted = distinct + 1
    precision = true_pos / predicted
    recall = true_pos / positives
    previous = np.r_[0.0, recall[:-1]]
    return float(np.sum((recall - previous) * precision))


def brier(probability: Array, label: npt.NDArray[np.bool_]) -> float:
    """Return the mean squared difference between probabilities and 0/1 outcomes (NaN when empty)."""
    if len(label) == 0:
        return math.nan
    return float(np.mean((np.asarray(probability, dtype=np.float64) - np.asarray(label, dtype=np.float64)) ** 2))


def male(predicted: Array, actual: Array) -> float:
    """Return the median absolute log error over rows where both values are positive (NaN when none)."""
    p = np.asarray(predicted, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    keep = (p > 0) & (a > 0)
    if not keep.any():
        return math.nan
    return float(np.median(np.abs(np.log(p[keep]) - np.log(a[keep]))))


def calibration_table(probability: Array, label: npt.NDArray[np.bool_], bins: int = 5) -> list[dict[str, float | int]]:
    """Return one row per probability bin: its range, count, mean forecast and observed frequency.

    Bins are equal-width on [0, 1]; empty bins are left out.
    """
    p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
    y = np.asarray(label, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows: list[dict[str, float | int]] = []
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        if count:
            rows.append(
                {
                    "low": b / bins,
                    "high": (b + 1) / bins,
                    "n": count,
                    "forecast": float(p[inside].mean()),
                    "observed": float(y[inside].mean()),
                }
            )
    return rows
