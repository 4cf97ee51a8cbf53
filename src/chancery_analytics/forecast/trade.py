"""Viet Nam's exports by partner: one-year-ahead forecast, agreements in force, and a scenario tool.

Data: ``imf-dots-exports`` (reporter Vietnam -> each partner, aggregates excluded), ``vn-agreements``
(entry into force for Viet Nam), ``fred-exchange-rates`` (partner currency per US dollar),
``imf-commodity-prices`` and ``yotov-gravity-rta`` (the average trade effect of an agreement).

The forecast model (:class:`TradeModel`) is a Huber-robust regression of a partner's log export growth
on its own last growth, Viet Nam's total export growth, the partner's import growth from the world and a
new-agreement dummy, fitted on years before the origin; its explanation is each term's contribution.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import HuberRegressor  # type: ignore[import-untyped]

from chancery_analytics.forecast.data import DataError, LoadReport, parse_float, parse_int, parse_month, table_read
from chancery_analytics.forecast.explain import Driver, drivers_from_contributions

Matrix = npt.NDArray[np.float64]
REPORTER = "Vietnam"
ASEAN = (
    "Brunei Darussalam",
    "Cambodia",
    "Indonesia",
    "Lao People's Dem. Rep.",
    "Malaysia",
    "Myanmar",
    "Philippines",
    "Singapore",
    "Thailand",
)
EU27 = (
    "Austria",
    "Belgium",
    "Bulgaria",
    "Croatia, Rep. of",
    "Cyprus",
    "Czech Rep.",
    "Denmark",
    "Estonia, Rep. of",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "Ireland",
    "Italy",
    "Latvia",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Netherlands, The",
    "Poland, Rep. of",
    "Portugal",
    "Romania",
    "Slovak Rep.",
    "Slovenia, Rep. of",
    "Spain",
    "Sweden",
)
# Partners (DOTS names) of each agreement in force for Viet Nam, with the year it entered into force for Viet Nam.
AGREEMENTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "AFTA": (1996, ASEAN),
    "ACFTA": (2005, (*ASEAN, "China, P.R.: Mainland")),
    "AKFTA": (2007, (*ASEAN, "Korea, Rep. of")),
    "AJCEP": (2008, (*ASEAN, "Japan")),
    "VJEPA": (2009, ("Japan",)),
    "AIFTA": (2010, (*ASEAN, "India")),
    "AANZFTA": (2010, (*ASEAN, "Australia", "New Zealand")),
    "VCFTA": (2014, ("Chile",)),
    "VKFTA": (2015, ("Korea, Rep. of",)),
    "VN-EAEU": (
        2016,
        ("Russian Federation", "Armenia, Rep. of", "Belarus, Rep. of", "Kazakhstan, Rep. of", "Kyrgyz Rep."),
    ),
    "CPTPP": (
        2019,
        (
            "Australia",
            "Brunei Darussalam",
            "Canada",
            "Chile",
            "Japan",
            "Malaysia",
            "Mexico",
            "New Zealand",
            "Peru",
            "Singapore",
        ),
    ),
    "AHKFTA": (2019, (*ASEAN, "China, P.R.: Hong Kong")),
    "EVFTA": (2020, EU27),
    "UKVFTA": (2021, ("United Kingdom",)),
    "RCEP": (2022, (*ASEAN, "Australia", "China, P.R.: Mainland", "Japan", "Korea, Rep. of", "New Zealand")),
}
FEATURES = ("own_growth_last", "vn_total_growth_last", "partner_world_imports_growth_last", "new_agreement")
WORDS: dict[str, tuple[str, str]] = {
    "own_growth_last": (
        "last year's growth of exports to this partner",
        "tăng trưởng xuất khẩu sang đối tác năm trước",
    ),
    "vn_total_growth_last": (
        "last year's growth of Viet Nam's total exports",
        "tăng trưởng tổng xuất khẩu Việt Nam năm trước",
    ),
    "partner_world_imports_growth_last": (
        "last year's growth of the partner's imports",
        "tăng trưởng nhập khẩu của đối tác năm trước",
    ),
    "new_agreement": (
        "a trade agreement that entered into force in the last three years",
        "hiệp định thương mại có hiệu lực trong ba năm qua",
    ),
}

FORMATS: dict[str, str] = {
    "own_growth_last": "log_change",
    "vn_total_growth_last": "log_change",
    "partner_world_imports_growth_last": "log_change",
    "new_agreement": "flag",
}


@dataclass
class TradeData:
    """Viet Nam's exports by partner and year (US$ million), partners' world imports and agreements."""

    exports: dict[str, dict[int, float]]
    world_imports: dict[str, dict[int, float]]
    vn_total: dict[int, float]
    last_year: int
    report: LoadReport = field(default_factory=LoadReport)
    imports_mirror: dict[str, dict[int, float]] = field(default_factory=dict)
    vn_growth: dict[int, float] = field(default_factory=dict)
    world_growth: dict[str, dict[int, float]] = field(default_factory=dict)


def _entities(folder: Path, report: LoadReport) -> tuple[dict[int, str], set[int]]:
    entities, sub = table_read(folder, "entities", ["entity_id", "name", "is_aggregate"])
    report.merge(sub)
    names: dict[int, str] = {}
    aggregate: set[int] = set()
    for row in entities:
        eid = parse_int(row["entity_id"])
        if eid is None:
            report.skip("entity with a malformed id")
            continue
        names[eid] = row["name"].strip()
        if row["is_aggregate"].strip() == "1":
            aggregate.add(eid)
    return names, aggregate


def trade_data_load(data: Path) -> TradeData:
    """Read ``imf-dots-exports`` into :class:`TradeData` (aggregates excluded, bad rows skipped and counted).

    Needs entities.csv naming the reporter ``Vietnam``; raises :class:`DataError` otherwise.
    """
    folder = data / "imf-dots-exports"
    report = LoadReport()
    names, aggregate = _entities(folder, report)
    vietnam = next((eid for eid, name in names.items() if name == REPORTER), None)
    if vietnam is None:
        raise DataError("imf-dots-exports/entities.csv has no reporter named Vietnam")
    rows, sub = table_read(
        folder,
        "exports_fob_usd_mn",
        ["reporter_id", "partner_id", "year", "exports_fob_usd_mn"],
        key=lambda r: (r["reporter_id"], r["partner_id"], r["year"]),
    )
    report.merge(sub)
    exports: dict[str, dict[int, float]] = {}
    world: dict[str, dict[int, float]] = {}
    flows: dict[str, dict[int, dict[int, float]]] = {}
    mirror: dict[str, dict[int, float]] = {}
    for row in rows:
        reporter, partner, year = parse_int(row["reporter_id"]), parse_int(row["partner_id"]), parse_int(row["year"])
        value = parse_float(row["exports_fob_usd_mn"])
        if reporter is None or partner is None or year is None or value is None or value < 0:
            report.skip("trade row with a malformed id, year or value")
            continue
        if partner not in names or reporter not in names:
            report.skip("trade row naming an unknown entity")
            continue
        if partner in aggregate or reporter in aggregate:
            continue
        name = names[partner]
        world.setdefault(name, {})
        world[name][year] = world[name].get(year, 0.0) + value
        flows.setdefault(name, {}).setdefault(reporter, {})[year] = value
        if reporter == vietnam:
            exports.setdefault(name, {})[year] = value
        elif partner == vietnam:
            mirror.setdefault(names[reporter], {})[year] = value
    if not exports:
        raise DataError("no export row for Vietnam in imf-dots-exports")
    vn_total: dict[int, float] = {}
    for table in exports.values():
        for year, value in table.items():
            vn_total[year] = vn_total.get(year, 0.0) + value
    vn_growth = matched_growth(exports.values())
    world_growth = {partner: matched_growth(by_reporter.values()) for partner, by_reporter in flows.items()}
    return TradeData(exports, world, vn_total, max(vn_total), report, mirror, vn_growth, world_growth)


def matched_growth(series: Iterable[dict[int, float]]) -> dict[int, float]:
    """Return the log growth of a total by year over the series present (> 0) in both that year and the last.

    Matching keeps a change in coverage (a reporter or partner missing one year) from passing for growth.
    """
    now: dict[int, float] = {}
    before: dict[int, float] = {}
    for table in series:
        for year, value in table.items():
            previous = table.get(year - 1)
            if value > 0 and previous is not None and previous > 0:
                now[year] = now.get(year, 0.0) + value
                before[year] = before.get(year, 0.0) + previous
    return {year: math.log(now[year] / before[year]) for year in now}


def agreements_in_force(partner: str, year: int) -> list[str]:
    """Return the agreements in force between Viet Nam and ``partner`` (a DOTS name) in ``year``."""
    return [name for name, (start, partners) in AGREEMENTS.items() if start <= year and partner in partners]


def _log_growth(table: dict[int, float], year: int) -> float:
    now, before = table.get(year), table.get(year - 1)
    if now is None or before is None or now <= 0 or before <= 0:
        return math.nan
    return math.log(now / before)


def features_for(data: TradeData, partner: str, origin: int) -> Matrix:
    """Return the model's features for forecasting ``origin + 1`` from data up to ``origin``."""
    new = any(origin - 2 <= AGREEMENTS[name][0] <= origin + 1 for name in agreements_in_force(partner, origin + 1))
    return np.array(
        [
            _log_growth(data.exports.get(partner, {}), origin),
            data.vn_growth.get(origin, math.nan),
            data.world_growth.get(partner, {}).get(origin, math.nan),
            1.0 if new else 0.0,
        ]
    )


class TradeModel:
    """Robust (Huber) regression of one-year log export growth by partner; see the module docstring."""

    name = "trade-huber-growth"
    version = "1"

    def __init__(self, *, min_value: float = 1.0) -> None:
        """Train on partner-years with exports of at least ``min_value`` US$ million in both years."""
        self.min_value = min_value
        self.regressor: HuberRegressor | None = None
        self.residuals: Matrix = np.zeros(0)
        self.means = np.zeros(len(FEATURES))

    def fit(self, data: TradeData, *, origin: int, first: int = 1995) -> TradeModel:
        """Fit on target years ``first+1``..``origin`` (growth known by the end of ``origin``); return self."""
        xs: list[Matrix] = []
        ys: list[float] = []
        for partner, table in data.exports.items():
            for year in range(first + 1, origin + 1):
                if table.get(year, 0.0) < self.min_value or table.get(year - 1, 0.0) < self.min_value:
                    continue
                x = features_for(data, partner, year - 1)
                xs.append(x)
                ys.append(_log_growth(table, year))
        if len(ys) < 20:
            raise ValueError("too few partner-years before the origin to fit the trade model")
        x = np.vstack(xs)
        self.means = np.where(np.isfinite(np.nanmean(x, axis=0)), np.nanmean(x, axis=0), 0.0)
        filled = np.clip(np.where(np.isnan(x), self.means, x), -3, 3)
        y = np.clip(np.array(ys), -3, 3)
        self.regressor = HuberRegressor(epsilon=1.35, alpha=1e-3, max_iter=500).fit(filled, y)
        self.residuals = y - self.regressor.predict(filled)
        return self

    def _x(self, x: Matrix) -> Matrix:
        result: Matrix = np.clip(np.where(np.isnan(x), self.means, x), -3, 3)
        return result

    def predict(self, data: TradeData, *, origin: int, partners: list[str]) -> Matrix:
        """Return forecast exports (US$ million) to ``partners`` in ``origin + 1``; NaN without a last value."""
        if self.regressor is None:
            raise ValueError("fit the trade model first")
        x = np.vstack([features_for(data, p, origin) for p in partners]) if partners else np.zeros((0, len(FEATURES)))
        growth = self.regressor.predict(self._x(x)) if len(partners) else np.zeros(0)
        last = np.array([data.exports.get(p, {}).get(origin, math.nan) for p in partners])
        result: Matrix = last * np.exp(growth)
        return result

    def interval(self, level: float = 0.8) -> tuple[float, float]:
        """Return the (low, high) log-growth residual quantiles for a central ``level`` interval."""
        tail = (1.0 - level) / 2.0
        return float(np.quantile(self.residuals, tail)), float(np.quantile(self.residuals, 1 - tail))

    def explain(self, data: TradeData, *, origin: int, partner: str, top: int = 4) -> list[Driver]:
        """Return the drivers of the partner's forecast growth (coefficient x feature), in EN and VI."""
        if self.regressor is None:
            raise ValueError("fit the trade model first")
        raw = features_for(data, partner, origin)
        x = self._x(raw[None, :])[0]
        contributions = (x - self.means) * self.regressor.coef_
        drivers = drivers_from_contributions(
            dict(zip(FEATURES, contributions, strict=True)),
            WORDS,
            top=top,
            values=dict(zip(FEATURES, (float(v) for v in raw), strict=True)),
            formats=FORMATS,
        )
        return [
            Driver(
                d.feature,
                d.contribution,
                d.text_en.replace("risk", "forecast growth").replace(" on the log-odds scale", " in log points"),
                d.text_vi.replace("rủi ro", "tăng trưởng dự báo").replace(" trên thang log-odds", " (điểm log)"),
                d.value,
                d.evidence_en,
                d.evidence_vi,
            )
            for d in drivers
        ]


def partners_to_score(data: TradeData, year: int, min_value: float = 1.0) -> list[str]:
    """Return partners with exports of at least ``min_value`` in ``year - 1`` and a positive value in ``year``."""
    return sorted(p for p, t in data.exports.items() if t.get(year - 1, 0.0) >= min_value and t.get(year, 0.0) > 0)


def fx_annual_changes(data: Path) -> dict[str, dict[int, float]]:
    """Return FRED annual log changes of each currency per US dollar (positive = depreciation), by country."""
    rows, _ = table_read(data / "fred-exchange-rates", "fx_annual", ["Date", "Country", "Exchange rate"])
    rates: dict[str, dict[int, float]] = {}
    for row in rows:
        when, rate = parse_month(row["Date"]), parse_float(row["Exchange rate"])
        if when is not None and rate is not None and rate > 0:
            rates.setdefault(row["Country"].strip(), {})[when[0]] = rate
    return {country: {y: math.log(t[y] / t[y - 1]) for y in t if (y - 1) in t} for country, t in rates.items()}


@dataclass(frozen=True)
class Exposure:
    """One partner's weight in Viet Nam's trade in a year, with the agreements in force."""

    partner: str
    exports: float
    export_share: float
    export_growth: float
    imports_mirror: float
    agreements: tuple[str, ...]


def exposure_table(data: TradeData, year: int) -> list[Exposure]:
    """Return every partner with exports in ``year``, largest first: share, log growth, mirror imports, agreements.

    Imports are the partner's own reported exports to Viet Nam (mirror flows; NaN when it does not report).
    Raises :class:`DataError` when ``year`` has no export data.
    """
    total = data.vn_total.get(year)
    if not total:
        raise DataError(f"no export data for {year}")
    rows = [
        Exposure(
            partner=partner,
            exports=table[year],
            export_share=table[year] / total,
            export_growth=_log_growth(table, year),
            imports_mirror=data.imports_mirror.get(partner, {}).get(year, math.nan),
            agreements=tuple(agreements_in_force(partner, year)),
        )
        for partner, table in data.exports.items()
        if table.get(year, 0.0) > 0
    ]
    return sorted(rows, key=lambda row: row.exports, reverse=True)
