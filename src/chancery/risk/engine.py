"""Fit the models on a data directory and turn their output into drafts per country or partner (no Django).

Three product models run here: conflict (``views-cm``), currency crashes (FRED exchange rates and World Bank
inflation and GDP, both redistributable; the JST-trained banking model is for evaluation only, its licence
being non-commercial) and exports by partner (IMF DOTS). Reads a directory laid out like ``../shared/data``
(the bundled ``demo_data`` by default) through ``chancery_analytics.forecast``; raises
:class:`chancery_analytics.forecast.data.DataError` or ValueError with a clear message when the data cannot
be used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chancery_analytics.forecast.conflict import ConflictModel
from chancery_analytics.forecast.conflict_data import conflict_panel_load
from chancery_analytics.forecast.crises import FRED_ISO, CrisisModel, currency_panel_load
from chancery_analytics.forecast.data import DataError, month_label, table_read
from chancery_analytics.forecast.explain import Driver
from chancery_analytics.forecast.trade import TradeModel, trade_data_load

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
    subject: str = ""
    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    interval_level: float = 0.8
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunOutput:
    """What one model run produced (``kind``: conflict, crisis or trade), with the loader's report."""

    model_name: str
    model_version: str
    data_cutoff: str
    forecasts: list[CountryForecast]
    notes: list[str] = field(default_factory=list)
    kind: str = "conflict"


def driver_rows(drivers: list[Driver]) -> list[dict[str, Any]]:
    """Return drivers as JSON-ready rows: feature, contribution, sentence and evidence in both languages."""
    return [
        {
            "feature": d.feature,
            "contribution": round(d.contribution, 3),
            "text_en": d.text_en,
            "text_vi": d.text_vi,
            "value": None if d.value is None else round(d.value, 4),
            "evidence_en": d.evidence_en,
            "evidence_vi": d.evidence_vi,
        }
        for d in drivers
    ]


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
                drivers=driver_rows(drivers),
                history=history,
            )
        )
    notes = [panel.report.summary()]
    if skipped:
        notes.append(f"{skipped} country row(s) skipped: no ISO code or no recent data")
    return RunOutput(ConflictModel.name, ConflictModel.version, month_label(origin), forecasts, notes)


CRISIS_MODEL = "currency-crash-logit"
CRISIS_NAMES = {"Euro": "Euro area", "South Korea": "Korea, Republic of", "Taiwan": "Taiwan"}
BOOTSTRAP = 20
TRADE_MIN_EXPORTS = 100.0


def crisis_run(data: Path, *, seed: int = 7) -> RunOutput:
    """Fit the currency-crash model on every year with a known label and forecast each currency's next two years.

    Needs ``fred-exchange-rates`` (World Bank ``wdi-gdp-inflation`` optional: missing indicators take the
    training mean). The probability is of a Frankel-Rose crash (depreciation >= 25 % and >= 10 points above
    the year before) in either of the next two years; the 80 % interval comes from refitting on
    ``BOOTSTRAP`` resamples of the training rows. Raises DataError/ValueError when the data cannot be used.
    """
    if not data.is_dir():
        raise DataError(f"no data directory at {data}")
    panel = currency_panel_load(data)
    train = panel.label_known.copy()
    if train.sum() < 50 or not panel.label[train].any():
        raise DataError("too few currency-years with a known outcome to fit the crisis model")
    model = CrisisModel(name=CRISIS_MODEL).fit(panel, train)
    latest: dict[str, int] = {}
    for index, (name, year) in enumerate(zip(panel.countries, panel.years, strict=True)):
        if name not in latest or year > panel.years[latest[name]]:
            latest[name] = index
    rows = np.zeros(len(panel.countries), dtype=bool)
    rows[list(latest.values())] = True
    order = np.flatnonzero(rows)
    point = model.predict(panel, rows)
    rng = np.random.default_rng(seed)
    train_index = np.flatnonzero(train)
    draws = []
    for _ in range(BOOTSTRAP):
        mask = np.zeros(len(panel.countries), dtype=bool)
        picked = rng.choice(train_index, size=len(train_index), replace=True)
        mask[picked] = True
        draws.append(CrisisModel(name=CRISIS_MODEL).fit(panel, mask).predict(panel, rows))
    spread = np.vstack(draws)
    last_year = int(panel.years[order].max())
    forecasts: list[CountryForecast] = []
    for k, row_index in enumerate(order):
        index = int(row_index)
        name = panel.countries[index]
        year = int(panel.years[index])
        if year < last_year - 1:
            continue  # a currency whose series stopped (e.g. replaced by the euro) is not forecast
        history = [
            {"year": int(y), "depreciation": round(float(f[0]), 4)}
            for c, y, f in zip(panel.countries, panel.years, panel.features, strict=True)
            if c == name and y > year - 10
        ]
        forecasts.append(
            CountryForecast(
                iso3=FRED_ISO[name],
                name=CRISIS_NAMES.get(name, name),
                horizon=f"{year + 1}-{year + 2}",
                probability=round(float(point[k]), 4),
                low=0.0,
                median=0.0,
                high=0.0,
                path=[],
                drivers=driver_rows(model.explain(panel, int(index))),
                history=history,
                value_low=round(float(np.quantile(spread[:, k], 0.1)), 4),
                value_high=round(float(np.quantile(spread[:, k], 0.9)), 4),
                detail={"currency": name, "indicator_year": year},
            )
        )
    notes = [
        panel.report.summary(),
        f"trained on {int(train.sum())} currency-years, {int(panel.label[train].sum())} crashes",
    ]
    return RunOutput(CRISIS_MODEL, CrisisModel.version, str(last_year), forecasts, notes, kind="crisis")


def trade_run(data: Path, *, iso3_by_partner: dict[str, str] | None = None) -> RunOutput:
    """Fit the export model on every year known and forecast next year's exports to each sizeable partner.

    Needs ``imf-dots-exports``. Partners with exports of at least US$100 million in the last year are
    forecast, with the model's 80 % interval (its residual quantiles). ``iso3_by_partner`` maps DOTS names to
    ISO codes (partners without one keep an empty code). Raises DataError/ValueError when unusable.
    """
    if not data.is_dir():
        raise DataError(f"no data directory at {data}")
    trade = trade_data_load(data)
    origin = trade.last_year
    model = TradeModel().fit(trade, origin=origin)
    low, high = model.interval(0.8)
    partners = sorted(p for p, t in trade.exports.items() if t.get(origin, 0.0) >= TRADE_MIN_EXPORTS)
    predicted = model.predict(trade, origin=origin, partners=partners)
    codes = iso3_by_partner or {}
    forecasts: list[CountryForecast] = []
    for partner, value in zip(partners, predicted, strict=True):
        if not np.isfinite(value):
            continue
        table = trade.exports[partner]
        forecasts.append(
            CountryForecast(
                iso3=codes.get(partner, ""),
                name=partner,
                subject=partner,
                horizon=str(origin + 1),
                probability=0.0,
                low=0.0,
                median=0.0,
                high=0.0,
                path=[],
                drivers=driver_rows(model.explain(trade, origin=origin, partner=partner)),
                history=[{"year": y, "exports": round(table[y], 1)} for y in sorted(table) if y > origin - 10],
                value=round(float(value), 1),
                value_low=round(float(value * math.exp(low)), 1),
                value_high=round(float(value * math.exp(high)), 1),
                detail={"last_year": origin, "last_exports": round(table[origin], 1)},
            )
        )
    return RunOutput(model.name, model.version, str(origin), forecasts, [trade.report.summary()], kind="trade")
