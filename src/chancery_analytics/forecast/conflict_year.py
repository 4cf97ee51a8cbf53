"""Country-year conflict onset (``ucdp-conflict-country-year``): a logit beside decay-since-conflict.

A row is a country-year t whose previous year had fewer than 25 battle deaths; the onset label is 25 or
more deaths in t. Inputs come from year t-1 and before: years since the last conflict year, log deaths,
the worst of the last five years, log population, log GDP per capita and V-Dem liberal democracy. The
logit is refitted for every test year on the rows before it. The baseline ranks by decay since the last
conflict year (any half-life gives the same ranking).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from chancery_analytics.forecast import metrics
from chancery_analytics.forecast.data import parse_float, parse_int, table_read
from chancery_analytics.forecast.results import ScoreRow

Matrix = npt.NDArray[np.float64]
INCIDENCE = 25.0


def _panel(data: Path) -> dict[int, dict[int, dict[str, float]]]:
    rows, _ = table_read(
        data / "ucdp-conflict-country-year",
        "country_year_panel",
        ["gwcode", "year", "best"],
        key=lambda r: (r["gwcode"], r["year"]),
    )
    out: dict[int, dict[int, dict[str, float]]] = {}
    for row in rows:
        gw, year = parse_int(row["gwcode"]), parse_int(row["year"])
        if gw is None or year is None:
            continue
        values: dict[str, float] = {}
        for name in ("best", "population", "gdppc", "v2x_libdem"):
            number = parse_float(row.get(name))
            values[name] = number if number is not None else math.nan
        out.setdefault(gw, {})[year] = values
    return out


def _row(history: dict[int, dict[str, float]], year: int) -> tuple[list[float], float] | None:
    """Return (features from years < ``year``, decay score) for a country quiet in ``year - 1``, else None."""
    previous = history.get(year - 1, {}).get("best", math.nan)
    if math.isnan(previous) or previous >= INCIDENCE:
        return None
    last = next((y for y in range(year - 1, 1945, -1) if history.get(y, {}).get("best", 0.0) >= INCIDENCE), None)
    since = float(year - 1 - last) if last is not None else 80.0
    worst = max((history.get(y, {}).get("best", 0.0) or 0.0) for y in range(year - 5, year))
    before = history.get(year - 1, {})
    pop, gdp = before.get("population", math.nan), before.get("gdppc", math.nan)
    features = [
        math.log1p(since),
        math.log1p(previous),
        math.log1p(worst if not math.isnan(worst) else 0.0),
        math.log(pop) if pop > 0 else math.nan,
        math.log(gdp) if gdp > 0 else math.nan,
        before.get("v2x_libdem", math.nan),
    ]
    return features, 2.0 ** (-since / 4.0)


def country_year_onset_rows(data: Path, first: int, last: int) -> tuple[list[ScoreRow], str]:
    """Score onsets in years ``first``..``last``: the refitted logit (``model``) and decay-since-conflict.

    Needs ``ucdp-conflict-country-year``; returns the rows and a one-line note with the counts.
    """
    panel = _panel(data)
    probability: list[float] = []
    decay: list[float] = []
    labels: list[bool] = []
    for year in range(first, last + 1):
        train_x: list[list[float]] = []
        train_y: list[bool] = []
        for history in panel.values():
            for past in range(1950, year):
                built = _row(history, past)
                outcome = history.get(past, {}).get("best", math.nan)
                if built is not None and not math.isnan(outcome):
                    train_x.append(built[0])
                    train_y.append(outcome >= INCIDENCE)
        test = [(_row(h, year), h.get(year, {}).get("best", math.nan)) for h in panel.values()]
        test = [(built, outcome) for built, outcome in test if built is not None and not math.isnan(outcome)]
        if not test or not any(train_y):
            continue
        x = np.array(train_x)
        means = np.nanmean(x, axis=0)
        scales = np.nanstd(x, axis=0)
        scales = np.where(scales > 0, scales, 1.0)
        model = LogisticRegression(C=1.0, max_iter=2000).fit(
            (np.where(np.isnan(x), means, x) - means) / scales, train_y
        )
        tx = np.array([built[0] for built, _ in test])  # type: ignore[index]
        probability.extend(model.predict_proba((np.where(np.isnan(tx), means, tx) - means) / scales)[:, 1].tolist())
        decay.extend(built[1] for built, _ in test)  # type: ignore[index]
        labels.extend(outcome >= INCIDENCE for _, outcome in test)
    y = np.array(labels, dtype=bool)
    p = np.array(probability)
    rows = [
        ScoreRow(
            name="model",
            baseline=False,
            metrics={
                "auroc": metrics.auroc(p, y),
                "aupr": metrics.aupr(p, y),
                "brier": metrics.brier(p, y),
                "n": float(len(y)),
            },
            calibration={"onset_country_year": metrics.calibration_table(p, y)},
        ),
        ScoreRow(
            name="decay_since_conflict",
            baseline=True,
            metrics={
                "auroc": metrics.auroc(np.array(decay), y),
                "aupr": metrics.aupr(np.array(decay), y),
                "n": float(len(y)),
            },
        ),
    ]
    return rows, f"country-year onsets {first}-{last}: {len(y)} quiet country-years, {int(y.sum())} onsets"
