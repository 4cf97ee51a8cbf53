"""Country-month conflict panel from ``views-cm`` (with ``ucdp-conflict-country-year`` annual history).

The panel is a countries x months matrix of state-based fatalities (``ged_sb``), NaN where unknown. The
global file gives every country from its first month, its ``ged_sb_tlag_1..6`` columns fill the six
months before; the long-history file adds 11 countries from 1990. Rows with a malformed month, country or
target are skipped and counted; countries absent from ``country_key.csv`` are skipped as unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast.data import DataError, LoadReport, parse_float, parse_int, table_read

STRUCTURAL = ("wdi_sp_pop_totl", "wdi_ny_gdp_pcap_kd", "vdem_v2x_libdem")

Matrix = npt.NDArray[np.float64]


@dataclass
class ConflictPanel:
    """Fatalities and covariates by country (rows) and month (columns from ``first_month``)."""

    country_ids: list[int]
    names: dict[int, str]
    gwcodes: dict[int, int]
    first_month: int
    fatalities: Matrix
    tsum24: Matrix
    structural: dict[str, Matrix]
    annual_deaths: Matrix  # countries x years from ``first_year``
    first_year: int
    report: LoadReport = field(default_factory=LoadReport)

    @property
    def last_month(self) -> int:
        """The last month_id with any observed fatalities."""
        observed = np.where(~np.isnan(self.fatalities).all(axis=0))[0]
        return self.first_month + int(observed.max()) if len(observed) else self.first_month - 1

    def column(self, month_id: int) -> int:
        """Return the matrix column of ``month_id`` (may be out of range: callers check)."""
        return month_id - self.first_month


@dataclass
class _Store:
    names: dict[int, str]
    gwcodes: dict[int, int]
    report: LoadReport
    values: dict[tuple[int, int], float] = field(default_factory=dict)
    lagged: dict[tuple[int, int], float] = field(default_factory=dict)
    sums: dict[tuple[int, int], float] = field(default_factory=dict)
    covariates: dict[str, dict[tuple[int, int], float]] = field(
        default_factory=lambda: {name: {} for name in STRUCTURAL}
    )


def _take(rows: list[dict[str, str]], *, authoritative: bool, store: _Store) -> None:
    for row in rows:
        month = parse_int(row.get("month_id"))
        cid = parse_int(row.get("country_id"))
        target = parse_float(row.get("ged_sb"))
        if month is None or cid is None or not 1 <= month <= 2000:
            store.report.skip("row with a malformed month_id or country_id")
            continue
        if cid not in store.names:
            store.report.skip("row for a country not in country_key.csv")
            continue
        if target is None or target < 0:
            store.report.skip("row with a missing or negative ged_sb")
            continue
        gw = parse_int(row.get("gleditsch_ward"))
        if gw is not None:
            store.gwcodes.setdefault(cid, gw)
        if authoritative or (cid, month) not in store.values:
            store.values[(cid, month)] = target
        for lag in range(1, 7):
            past = parse_float(row.get(f"ged_sb_tlag_{lag}"))
            if past is not None and past >= 0:
                store.lagged.setdefault((cid, month - lag), past)
        total = parse_float(row.get("ged_sb_tsum_24"))
        if total is not None and total >= 0:
            store.sums[(cid, month)] = total
        for name in STRUCTURAL:
            number = parse_float(row.get(name))
            if number is not None:
                store.covariates[name][(cid, month)] = number


def _country_key(folder: Path, report: LoadReport) -> tuple[dict[int, str], dict[int, int]]:
    rows, sub = table_read(folder, "country_key", ["id", "name", "gwcode"])
    report.merge(sub)
    names: dict[int, str] = {}
    gwcodes: dict[int, int] = {}
    for row in rows:
        cid = parse_int(row["id"])
        if cid is None:
            report.skip("country_key row without a numeric id")
            continue
        names[cid] = row["name"].strip()
        gw = parse_int(row["gwcode"])
        if gw is not None:
            gwcodes[cid] = gw
    return names, gwcodes


def conflict_panel_load(data: Path) -> ConflictPanel:
    """Read ``data/views-cm`` (and ``data/ucdp-conflict-country-year`` when present) into a panel.

    Needs ``cm_features_global*.csv`` (month_id, country_id, ged_sb); the long-history file and the annual
    panel are optional (their absence is noted in the report). Raises :class:`DataError` when the global
    table is missing or holds no usable row.
    """
    folder = data / "views-cm"
    report = LoadReport()
    names, gwcodes = _country_key(folder, report)
    store = _Store(names=names, gwcodes=gwcodes, report=report)
    values, lagged, sums, covariates = store.values, store.lagged, store.sums, store.covariates

    try:
        history, sub = table_read(folder, "cm_long_history_11_countries", ["month_id", "country_id", "ged_sb"])
        report.merge(sub)
        _take(history, authoritative=False, store=store)
    except DataError as error:
        report.skip(f"long history unavailable ({error})")
    rows, sub = table_read(
        folder,
        "cm_features_global",
        ["month_id", "country_id", "ged_sb"],
        key=lambda r: (r["country_id"], r["month_id"]),
    )
    report.merge(sub)
    _take(rows, authoritative=True, store=store)
    for key, past in lagged.items():
        values.setdefault(key, past)
    if not values:
        raise DataError("views-cm holds no usable country-month row")
    country_ids = sorted({cid for cid, _ in values})
    first = min(month for _, month in values)
    last = max(month for _, month in values)
    index = {cid: i for i, cid in enumerate(country_ids)}
    shape = (len(country_ids), last - first + 1)
    fatalities = np.full(shape, np.nan)
    for (cid, month), value in values.items():
        fatalities[index[cid], month - first] = value
    tsum = np.full(shape, np.nan)
    for (cid, month), value in sums.items():
        if cid in index and first <= month <= last:
            tsum[index[cid], month - first] = value
    structural: dict[str, Matrix] = {}
    for name, table in covariates.items():
        matrix = np.full(shape, np.nan)
        for (cid, month), value in table.items():
            if cid in index and first <= month <= last:
                matrix[index[cid], month - first] = value
        structural[name] = _carry_forward(matrix)
    annual, first_year = _annual_deaths(data, country_ids, gwcodes, report)
    return ConflictPanel(
        country_ids=country_ids,
        names={cid: names.get(cid, str(cid)) for cid in country_ids},
        gwcodes=gwcodes,
        first_month=first,
        fatalities=fatalities,
        tsum24=tsum,
        structural=structural,
        annual_deaths=annual,
        first_year=first_year,
        report=report,
    )


def _carry_forward(matrix: Matrix) -> Matrix:
    out = matrix.copy()
    for j in range(1, out.shape[1]):
        gap = np.isnan(out[:, j])
        out[gap, j] = out[gap, j - 1]
    return out


def _annual_deaths(
    data: Path, country_ids: list[int], gwcodes: dict[int, int], report: LoadReport
) -> tuple[Matrix, int]:
    first_year = 1946
    annual = np.full((len(country_ids), 2100 - first_year), np.nan)
    try:
        rows, sub = table_read(data / "ucdp-conflict-country-year", "country_year_panel", ["gwcode", "year", "best"])
    except DataError as error:
        report.skip(f"annual conflict history unavailable ({error})")
        return annual, first_year
    report.merge(sub)
    by_gw = {gwcodes[cid]: i for i, cid in enumerate(country_ids) if cid in gwcodes}
    for row in rows:
        gw, year, best = parse_int(row["gwcode"]), parse_int(row["year"]), parse_float(row["best"])
        if gw is None or year is None or not first_year <= year < 2100:
            report.skip("annual row with a malformed gwcode or year")
            continue
        if gw not in by_gw:
            continue
        if best is not None and best >= 0:
            annual[by_gw[gw], year - first_year] = best
    return annual, first_year


def years_since_conflict(annual: Matrix, first_year: int, year: int, threshold: float = 25.0) -> Matrix:
    """Return, per country, the years from the last year up to ``year`` with deaths >= ``threshold`` (60 if none)."""
    upto = max(0, min(annual.shape[1], year - first_year + 1))
    out = np.full(annual.shape[0], 60.0)
    if upto == 0:
        return out
    hit = annual[:, :upto] >= threshold
    any_hit = hit.any(axis=1)
    last = upto - 1 - np.argmax(hit[:, ::-1], axis=1)
    out[any_hit] = np.minimum(60.0, (upto - 1 - last[any_hit]).astype(np.float64))
    return out


def log1p_safe(values: Matrix) -> Matrix:
    """Return log1p of non-negative values, keeping NaN."""
    result: Matrix = np.log1p(np.maximum(values, 0.0))
    return result


def is_finite_number(value: float) -> bool:
    """True for a finite float."""
    return not math.isnan(value) and not math.isinf(value)
