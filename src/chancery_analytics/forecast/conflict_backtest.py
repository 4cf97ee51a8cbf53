"""Rolling-origin backtest of the conflict model against zero, persistence and conflictology.

Follows the ViEWS challenge: the test period is cut into consecutive 12-month windows; each window is
forecast from an origin three months before it starts (the data lag), so steps run from 3 to 14 months
after the last month of data. The model is refitted at every origin on what was known then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast import metrics
from chancery_analytics.forecast.conflict import (
    INCIDENCE,
    ConflictModel,
    baseline_probability,
    baseline_samples,
    features_at,
)
from chancery_analytics.forecast.conflict_data import ConflictPanel, conflict_panel_load
from chancery_analytics.forecast.conflict_year import country_year_onset_rows
from chancery_analytics.forecast.data import DataError, month_label
from chancery_analytics.forecast.results import BacktestResult, ScoreRow

LAG = 3
HALF_LIFE_YEARS = 4.0
DEV_END = 492  # 2020-12
NAMES = ("model", "zero", "persistence", "conflictology")


@dataclass
class _Scores:
    crps: list[float] = field(default_factory=list)
    crps_log: list[float] = field(default_factory=list)
    probability: list[float] = field(default_factory=list)
    score: list[float] = field(default_factory=list)

    def add(
        self,
        samples: npt.NDArray[np.float64],
        observed: npt.NDArray[np.float64],
        p: npt.NDArray[np.float64],
        s: npt.NDArray[np.float64],
    ) -> None:
        self.crps.extend(metrics.crps_samples(samples, observed).tolist())
        self.crps_log.extend(metrics.crps_samples(np.log1p(np.maximum(samples, 0)), np.log1p(observed)).tolist())
        self.probability.extend(p.tolist())
        self.score.extend(s.tolist())


def default_period(panel: ConflictPanel) -> tuple[int, int]:
    """Return the default test window: the last 24 months of the development period present in the data."""
    end = min(panel.last_month, DEV_END)
    return end - 23, end


def conflict_backtest(data: Path, *, test_from: int | None = None, test_to: int | None = None) -> BacktestResult:
    """Run the conflict backtest on ``data`` for months ``test_from``..``test_to`` (month_ids).

    Needs ``views-cm`` with 12 months of history before the first origin. Raises :class:`DataError` for a
    period outside the data. Emits one :class:`BacktestResult` with the model, three baselines, the
    "no deaths in the past 24 months" subset and a calibration table for every probability.
    """
    panel = conflict_panel_load(data)
    default_from, default_to = default_period(panel)
    start = test_from if test_from is not None else default_from
    fallback = panel.last_month if test_from is not None else default_to
    end = test_to if test_to is not None else fallback
    if end < start:
        raise DataError("--test-to is before --test-from")
    if end > panel.last_month:
        raise DataError(f"no conflict data after {month_label(panel.last_month)}; --test-to must not be later")
    if start - LAG - 11 < panel.first_month:
        raise DataError(f"not enough history before {month_label(start)} (need 12 months before the origin)")
    scores = {name: _Scores() for name in NAMES}
    labels: list[bool] = []
    quiet: list[bool] = []
    decay: list[float] = []
    steps: list[int] = []
    sizes: list[int] = []
    notes = [panel.report.summary()]
    for window in range(start, end + 1, 12):
        origin = window - LAG
        model = ConflictModel().fit(panel, cutoff=origin)
        sizes.append(model.n_train)
        at_origin, usable = features_at(panel, origin, LAG)
        decay_score = np.exp(-at_origin[:, 10] / HALF_LIFE_YEARS * np.log(2))
        base = baseline_samples(panel, origin)
        for target in range(window, min(window + 12, end + 1)):
            step = target - origin
            observed = panel.fatalities[:, panel.column(target)]
            keep = usable & ~np.isnan(observed)
            if not keep.any():
                continue
            forecast = model.predict(panel, origin=origin, step=step)
            y = observed[keep]
            scores["model"].add(forecast.samples[keep], y, forecast.p_incidence[keep], forecast.p_incidence[keep])
            for name, samples in base.items():
                p, s = baseline_probability(name, samples[keep])
                scores[name].add(samples[keep], y, p, s)
            labels.extend((y >= INCIDENCE).tolist())
            quiet.extend(forecast.quiet[keep].tolist())
            decay.extend(decay_score[keep].tolist())
            steps.extend([step] * int(keep.sum()))
    label = np.array(labels, dtype=bool)
    quiet_mask = np.array(quiet, dtype=bool)
    step_array = np.array(steps)
    rows = [_row(name, scores[name], label, np.ones(len(label), dtype=bool), step_array) for name in NAMES]
    hard = [_row(name, scores[name], label, quiet_mask, step_array) for name in NAMES]
    hard.append(_decay_row(np.array(decay)[quiet_mask], label[quiet_mask]))
    notes.append(
        f"{len(label)} country-months scored; {int(label.sum())} with >= 25 deaths; "
        f"{int(quiet_mask.sum())} country-months quiet for 24 months before the origin "
        f"({int((label & quiet_mask).sum())} onsets). Training rows per origin: {sizes}."
    )
    subsets = {"no_deaths_past_24_months": hard}
    years = (2011, 2020) if test_from is None and test_to is None else (_year(start), _year(end))
    _add_country_year(data, years, subsets, notes)
    return BacktestResult(
        task="conflict",
        train_to=month_label(start - LAG),
        test_from=month_label(start),
        test_to=month_label(end),
        rows=rows,
        subsets=subsets,
        notes=notes,
        n_test=len(label),
    )


def _row(
    name: str,
    scores: _Scores,
    label: npt.NDArray[np.bool_],
    mask: npt.NDArray[np.bool_],
    steps: npt.NDArray[np.int_],
) -> ScoreRow:
    crps = np.array(scores.crps)[mask]
    crps_log = np.array(scores.crps_log)[mask]
    probability = np.array(scores.probability)[mask]
    score = np.array(scores.score)[mask]
    y = label[mask]
    by_step: dict[str, dict[str, float]] = {}
    for step in sorted(set(steps[mask].tolist())):
        inside = steps[mask] == step
        by_step[str(step)] = {
            "crps_log1p": float(np.mean(crps_log[inside])),
            "auroc": metrics.auroc(score[inside], y[inside]),
        }
    return ScoreRow(
        name=name,
        baseline=name != "model",
        metrics={
            "crps": float(np.mean(crps)) if len(crps) else float("nan"),
            "crps_log1p": float(np.mean(crps_log)) if len(crps_log) else float("nan"),
            "auroc": metrics.auroc(score, y),
            "aupr": metrics.aupr(score, y),
            "brier": metrics.brier(probability, y),
            "n": float(len(y)),
        },
        calibration={"incidence": metrics.calibration_table(probability, y)},
        detail={"by_step": by_step},
    )


def _decay_row(score: npt.NDArray[np.float64], label: npt.NDArray[np.bool_]) -> ScoreRow:
    """Ranking-only baseline for onsets: decay since the last conflict year (half-life four years)."""
    return ScoreRow(
        name="decay_since_conflict",
        baseline=True,
        metrics={"auroc": metrics.auroc(score, label), "aupr": metrics.aupr(score, label), "n": float(len(label))},
    )


def _year(month_id: int) -> int:
    return 1980 + (month_id - 1) // 12


def _add_country_year(data: Path, years: tuple[int, int], subsets: dict[str, list[ScoreRow]], notes: list[str]) -> None:
    """Add the country-year onset subset (or a note saying why it is missing)."""
    try:
        subsets["country_year_onset"], note = country_year_onset_rows(data, *years)
        notes.append(note)
    except DataError as error:
        notes.append(f"country-year onsets not scored: {error}")
