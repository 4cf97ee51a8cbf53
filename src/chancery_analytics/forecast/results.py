"""The shape every backtest returns: named score rows (model and baselines), subsets, calibration, notes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ScoreRow:
    """One forecaster's scores on the test rows: ``name`` is ``model`` or the baseline's name."""

    name: str
    baseline: bool
    metrics: dict[str, float]
    calibration: dict[str, list[dict[str, float | int]]] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready data (NaN becomes null)."""
        out: dict[str, Any] = {"name": self.name, "baseline": self.baseline, "metrics": _clean(self.metrics)}
        if self.calibration:
            out["calibration"] = self.calibration
        if self.detail:
            out.update(_clean(self.detail))
        return out


@dataclass
class BacktestResult:
    """A whole backtest: the task, the periods, the rows, any subsets, and plain-language notes."""

    task: str
    train_to: str
    test_from: str
    test_to: str
    rows: list[ScoreRow]
    subsets: dict[str, list[ScoreRow]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    n_test: int = 0

    def to_json(self) -> dict[str, Any]:
        """Return the one JSON object ``chancery forecast backtest --json`` prints."""
        return {
            "task": self.task,
            "train_to": self.train_to,
            "test_from": self.test_from,
            "test_to": self.test_to,
            "n_test": self.n_test,
            "rows": [row.to_json() for row in self.rows],
            "subsets": {name: [row.to_json() for row in rows] for name, rows in self.subsets.items()},
            "model_beats_baselines": self.model_beats_baselines(),
            "notes": self.notes,
        }

    def model_beats_baselines(self) -> dict[str, bool]:
        """For each metric, whether the model row is at least as good as every baseline row (lower/higher)."""
        model = next((row for row in self.rows if not row.baseline), None)
        if model is None:
            return {}
        verdict: dict[str, bool] = {}
        for metric, value in model.metrics.items():
            if metric not in _HIGHER_IS_BETTER and metric not in _LOWER_IS_BETTER:
                continue
            others = [row.metrics.get(metric, math.nan) for row in self.rows if row.baseline]
            others = [v for v in others if not math.isnan(v)]
            if math.isnan(value) or not others:
                continue
            higher = metric in _HIGHER_IS_BETTER
            verdict[metric] = all(value >= o if higher else value <= o for o in others)
        return verdict


_HIGHER_IS_BETTER = {"auroc", "aupr"}
_LOWER_IS_BETTER = {"crps", "crps_log1p", "brier", "male"}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, float):
            out[key] = None if math.isnan(value) else round(value, 6)
        elif isinstance(value, dict):
            out[key] = _clean(value)
        else:
            out[key] = value
    return out
