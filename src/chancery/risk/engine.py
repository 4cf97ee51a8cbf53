"""Fit the conflict model on a data directory and turn its output into per-country forecasts (no Django).

Reads a directory laid out like ``../shared/data`` (the bundled ``demo_data`` by default) through
``chancery_analytics.forecast``; raises :class:`chancery_analytics.forecast.data.DataError` or ValueError
with a clear message when the data cannot be used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chancery_analytics.forecast.conflict import ConflictModel
from chancery_analytics.forecast.conflict_data import conflict_panel_load
from chancery_analytics.forecast.data import DataError, month_label, table_read

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
STEPS = range(3, 13, 3)
HEADLINE_STEP = 3


@dataclass
class CountryForecast:
    """One country's forecast at the data cut-off: headline probability, interval, path, drivers, history."""

    iso3: str
    name: str
    horizon: str
    probability: float
    low: float
    median: float
    high: float
    path: list[dict[str, Any]]
    drivers: list[dict[str, Any]]
    history: list[dict[str, Any]]


@dataclass
class RunOutput:
    """What one model run produced, with the loader's report."""

    model_name: str
    model_version: str
    data_cutoff: str
    forecasts: list[CountryForecast]
    notes: list[str] = field(default_factory=list)


def iso3_by_country_id(data: Path) -> dict[int, tuple[str, str]]:
    """Return ``views-cm`` country_id -> (ISO alpha-3, name) from ``country_key.csv``; bad rows are skipped."""
    rows, _ = table_read(data / "views-cm", "country_key", ["id", "name", "isoab"])
    out: dict[int, tuple[str, str]] = {}
    for row in rows:
        code = row["isoab"].strip().upper()
        if row["id"].strip().isdigit() and len(code) == 3 and code.isalpha():
            out[int(row["id"])] = (code, row["name"].strip())
    return out


def conflict_run(data: Path, *, max_iter: int = 30, max_rows: int = 8000) -> RunOutput:
    """Fit the conflict model on every month known in ``data`` and forecast every country with an ISO code.

    Needs ``views-cm`` (``ucdp-conflict-country-year`` optional). Raises DataError/ValueError otherwise.
    """
    if not data.is_dir():
        raise DataError(f"no data directory at {data}")
    panel = conflict_panel_load(data)
    codes = iso3_by_country_id(data)
    origin = panel.last_month
    model = ConflictModel(max_iter=max_iter, max_rows=max_rows, steps=STEPS).fit(panel, cutoff=origin)
    by_step = {step: model.predict(panel, origin=origin, step=step) for step in STEPS}
    column = panel.column(origin)
    forecasts: list[CountryForecast] = []
    skipped = 0
    for i, cid in enumerate(panel.country_ids):
        if cid not in codes:
            skipped += 1
            continue
        window = panel.fatalities[i, max(0, column - 11) : column + 1]
        if np.isnan(window).all():
            skipped += 1
            continue
        path: list[dict[str, Any]] = []
        heads: tuple[float, float, float, float] | None = None
        for step, forecast in by_step.items():
            samples = forecast.samples[i]
            point = (
                round(float(forecast.p_incidence[i]), 4),
                round(float(np.quantile(samples, 0.1)), 1),
                round(float(np.quantile(samples, 0.5)), 1),
                round(float(np.quantile(samples, 0.9)), 1),
            )
            heads = heads or point
            path.append(
                {
                    "month": month_label(origin + step),
                    "probability": point[0],
                    "low": point[1],
                    "median": point[2],
                    "high": point[3],
                }
            )
        assert heads is not None
        drivers = model.explain(panel, origin=origin, step=HEADLINE_STEP, country_id=cid)
        history = [
            {"month": month_label(origin - len(window) + 1 + k), "deaths": None if np.isnan(v) else float(v)}
            for k, v in enumerate(window)
        ]
        iso3, name = codes[cid]
        forecasts.append(
            CountryForecast(
                iso3=iso3,
                name=name,
                horizon=month_label(origin + HEADLINE_STEP),
                probability=heads[0],
                low=heads[1],
                median=heads[2],
                high=heads[3],
                path=path,
                drivers=[
                    {
                        "feature": d.feature,
                        "contribution": round(d.contribution, 3),
                        "text_en": d.text_en,
                        "text_vi": d.text_vi,
                    }
                    for d in drivers
                ],
                history=history,
            )
        )
    notes = [panel.report.summary()]
    if skipped:
        notes.append(f"{skipped} country row(s) skipped: no ISO code or no recent data")
    return RunOutput(ConflictModel.name, ConflictModel.version, month_label(origin), forecasts, notes)
