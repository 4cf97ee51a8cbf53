"""Economic crises, country-year: banking-crisis and currency-crash probabilities for the next two years.

Banking: the Jordà-Schularick-Taylor panel (18 economies), label = a systemic banking crisis starting in
year t+1 or t+2 (Laeven-Valencia banking starts from 1970, JST ``crisisJST`` starts in every year).
Currency: the FRED exchange rates (units per US dollar), label = a Frankel-Rose crash in t+1 or t+2
(annual depreciation >= 25 % and >= 10 points above the previous year's), indicators from the rates
themselves and World Bank inflation and GDP. Each model is an L2 logistic regression on standardised
indicators (explained by per-indicator contributions); the baselines are the best single indicator
(credit-to-GDP change for banking, past depreciation for currency) and a small classic logit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from chancery_analytics.forecast.data import DataError, LoadReport, parse_float, parse_int, parse_month, table_read
from chancery_analytics.forecast.explain import Driver, drivers_from_contributions

Matrix = npt.NDArray[np.float64]
WAR_YEARS = set(range(1914, 1919)) | set(range(1939, 1948))

LV_NAMES = {"UK": "United Kingdom", "USA": "United States"}
FRED_ISO = {
    "Australia": "AUS",
    "Austria": "AUT",
    "Belgium": "BEL",
    "Brazil": "BRA",
    "Canada": "CAN",
    "China": "CHN",
    "Denmark": "DNK",
    "Finland": "FIN",
    "France": "FRA",
    "Germany": "DEU",
    "Greece": "GRC",
    "Hong Kong": "HKG",
    "India": "IND",
    "Ireland": "IRL",
    "Italy": "ITA",
    "Japan": "JPN",
    "Malaysia": "MYS",
    "Mexico": "MEX",
    "Netherlands": "NLD",
    "New Zealand": "NZL",
    "Norway": "NOR",
    "Portugal": "PRT",
    "Singapore": "SGP",
    "South Africa": "ZAF",
    "South Korea": "KOR",
    "Spain": "ESP",
    "Sri Lanka": "LKA",
    "Sweden": "SWE",
    "Switzerland": "CHE",
    "Taiwan": "TWN",
    "Thailand": "THA",
    "United Kingdom": "GBR",
    "Venezuela": "VEN",
    "Euro": "EMU",
}

BANKING_FEATURES = (
    "credit_gdp_change5",
    "credit_growth_real",
    "house_price_growth_real",
    "gdp_growth",
    "inflation",
    "current_account_gdp",
    "term_spread",
    "global_credit_gdp_change5",
)
CURRENCY_FEATURES = (
    "depreciation",
    "depreciation_prev",
    "inflation",
    "inflation_gap_us",
    "gdp_usd_growth",
    "real_overvaluation3",
)
WORDS: dict[str, tuple[str, str]] = {
    "credit_gdp_change5": ("the 5-year rise in bank credit to GDP", "mức tăng tín dụng/GDP trong 5 năm"),
    "credit_growth_real": ("real credit growth", "tăng trưởng tín dụng thực"),
    "house_price_growth_real": ("real house-price growth", "tăng giá nhà thực"),
    "gdp_growth": ("real GDP growth", "tăng trưởng GDP thực"),
    "inflation": ("inflation", "lạm phát"),
    "current_account_gdp": ("the current account balance", "cán cân vãng lai"),
    "term_spread": ("the long-short interest spread", "chênh lệch lãi suất dài-ngắn hạn"),
    "global_credit_gdp_change5": ("the global credit boom", "bùng nổ tín dụng toàn cầu"),
    "depreciation": ("this year's depreciation", "mức mất giá năm nay"),
    "depreciation_prev": ("last year's depreciation", "mức mất giá năm trước"),
    "inflation_gap_us": ("inflation above US inflation", "lạm phát cao hơn Mỹ"),
    "gdp_usd_growth": ("growth of GDP in dollars", "tăng trưởng GDP tính bằng USD"),
    "real_overvaluation3": ("real overvaluation over 3 years", "mức định giá thực quá cao trong 3 năm"),
}

FORMATS: dict[str, str] = {
    "credit_gdp_change5": "plain",
    "credit_growth_real": "log_change",
    "house_price_growth_real": "log_change",
    "gdp_growth": "log_change",
    "inflation": "percent",
    "current_account_gdp": "plain",
    "term_spread": "plain",
    "global_credit_gdp_change5": "plain",
    "depreciation": "fraction",
    "depreciation_prev": "fraction",
    "inflation_gap_us": "percent",
    "gdp_usd_growth": "log_change",
    "real_overvaluation3": "fraction",
}


@dataclass
class CrisisPanel:
    """Country-year rows: indicators (NaN where missing), the crisis label and the year labels are known to."""

    target: str
    countries: list[str]
    years: npt.NDArray[np.int_]
    features: Matrix
    feature_names: tuple[str, ...]
    label: npt.NDArray[np.bool_]
    label_known: npt.NDArray[np.bool_]
    label_end: int
    report: LoadReport = field(default_factory=LoadReport)


def _lv_starts(data: Path, kind: str, report: LoadReport) -> tuple[set[tuple[str, int]], int]:
    try:
        rows, sub = table_read(data / "laeven-valencia-crises", "sbcd_crisis_events", ["country", "type", "year"])
    except DataError as error:
        report.skip(f"Laeven-Valencia events unavailable ({error})")
        return set(), 0
    report.merge(sub)
    starts: set[tuple[str, int]] = set()
    last = 0
    for row in rows:
        year = parse_int(row["year"])
        if year is None:
            report.skip("crisis event with a malformed year")
            continue
        last = max(last, year)
        if row["type"].strip().lower() == kind:
            starts.add((row["country"].strip().strip('"'), year))
    return starts, last


def _growth(values: Matrix) -> Matrix:
    out = np.full_like(values, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1:] = np.log(values[1:] / values[:-1])
    out[~np.isfinite(out)] = np.nan
    return out


def banking_panel_load(data: Path) -> CrisisPanel:
    """Read JST (``jst-macrohistory``) and Laeven-Valencia into the banking-crisis panel.

    Needs JST columns year, country, gdp, tloans, cpi, rgdpbarro, hpnom, ca, stir, ltrate, crisisJST.
    Rows with a malformed year are skipped and counted; war years (1914-18, 1939-47) are left out.
    """
    report = LoadReport()
    needed = ["year", "country", "gdp", "tloans", "cpi", "rgdpbarro", "crisisJST"]
    rows, sub = table_read(data / "jst-macrohistory", "JSTdatasetR6", needed, key=lambda r: (r["country"], r["year"]))
    report.merge(sub)
    lv, lv_end = _lv_starts(data, "banking", report)
    by_country: dict[str, dict[int, dict[str, str]]] = {}
    jst_end = 0
    for row in rows:
        year = parse_int(row["year"])
        if year is None or not row["country"].strip():
            report.skip("JST row with a malformed year or country")
            continue
        by_country.setdefault(row["country"].strip(), {})[year] = row
        if parse_float(row.get("crisisJST")) is not None:
            jst_end = max(jst_end, year)
    label_end = max(lv_end, jst_end)
    countries: list[str] = []
    years: list[int] = []
    feats: list[Matrix] = []
    labels: list[bool] = []
    known: list[bool] = []
    for country, table in sorted(by_country.items()):
        span = np.arange(min(table), max(table) + 1)
        column = {
            name: np.array([parse_float(table.get(int(y), {}).get(name)) or np.nan for y in span])
            for name in ("gdp", "tloans", "cpi", "rgdpbarro", "hpnom", "ca", "stir", "ltrate")
        }
        starts = {int(y) for y in span if parse_float(table.get(int(y), {}).get("crisisJST")) == 1.0}
        starts |= {y for (name, y) in lv if name == LV_NAMES.get(country, country)}
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = column["tloans"] / column["gdp"] * 100.0
        change5 = np.full_like(ratio, np.nan)
        change5[5:] = ratio[5:] - ratio[:-5]
        inflation = _growth(column["cpi"])
        matrix = np.column_stack(
            [
                change5,
                _growth(column["tloans"]) - inflation,
                _growth(column["hpnom"]) - inflation,
                _growth(column["rgdpbarro"]),
                inflation,
                column["ca"] / column["gdp"] * 100.0,
                column["ltrate"] - column["stir"],
                np.full_like(ratio, np.nan),
            ]
        )
        for i, year in enumerate(span.tolist()):
            if year in WAR_YEARS:
                continue
            countries.append(country)
            years.append(year)
            feats.append(matrix[i])
            labels.append((year + 1) in starts or (year + 2) in starts)
            known.append(year + 2 <= label_end)
    if not feats:
        raise DataError("jst-macrohistory holds no usable row")
    features = np.vstack(feats)
    year_array = np.array(years)
    for year in set(years):
        inside = year_array == year
        values = features[inside, 0]
        features[inside, 7] = np.nanmean(values) if np.isfinite(values).any() else np.nan
    return CrisisPanel(
        "banking",
        countries,
        year_array,
        features,
        BANKING_FEATURES,
        np.array(labels),
        np.array(known),
        label_end,
        report,
    )


def _wdi(data: Path, stem: str, value: str, report: LoadReport) -> dict[tuple[str, int], float]:
    try:
        rows, sub = table_read(data / "wdi-gdp-inflation", stem, ["Country Code", "Year", value])
    except DataError as error:
        report.skip(f"World Bank {stem} unavailable ({error})")
        return {}
    report.merge(sub)
    out: dict[tuple[str, int], float] = {}
    for row in rows:
        year, number = parse_int(row["Year"]), parse_float(row[value])
        if year is None:
            report.skip("World Bank row with a malformed year")
            continue
        if number is not None:
            out[(row["Country Code"].strip(), year)] = number
    return out


def currency_panel_load(data: Path) -> CrisisPanel:
    """Read FRED annual exchange rates (+ World Bank inflation and GDP) into the currency-crash panel.

    Needs ``fred-exchange-rates/fx_annual*.csv`` (Date, Country, Exchange rate); unknown currencies are
    skipped and counted; malformed dates or rates are skipped and counted.
    """
    report = LoadReport()
    rows, sub = table_read(
        data / "fred-exchange-rates",
        "fx_annual",
        ["Date", "Country", "Exchange rate"],
        key=lambda r: (r["Country"], r["Date"]),
    )
    report.merge(sub)
    inflation = _wdi(data, "inflation_consumer_prices_pct", "Inflation", report)
    gdp = _wdi(data, "gdp_current_usd", "Value", report)
    rates: dict[str, dict[int, float]] = {}
    for row in rows:
        when = parse_month(row["Date"])
        rate = parse_float(row["Exchange rate"])
        name = row["Country"].strip()
        if when is None or rate is None or rate <= 0:
            report.skip("exchange-rate row with a malformed date or rate")
            continue
        if name not in FRED_ISO:
            report.skip("exchange rate for an unknown currency")
            continue
        rates.setdefault(name, {})[when[0]] = rate
    if not rates:
        raise DataError("fred-exchange-rates holds no usable annual rate")
    label_end = max(max(table) for table in rates.values())
    countries: list[str] = []
    years: list[int] = []
    feats: list[list[float]] = []
    labels: list[bool] = []
    known: list[bool] = []
    for name, table in sorted(rates.items()):
        iso = FRED_ISO[name]
        span = list(range(min(table), max(table) + 1))
        dep = {y: table[y] / table[y - 1] - 1.0 for y in span if y in table and (y - 1) in table}
        crash = {y for y in dep if dep[y] >= 0.25 and (y - 1) in dep and dep[y] - dep[y - 1] >= 0.10}
        for year in span:
            if year not in dep:
                continue
            infl = inflation.get((iso, year), math.nan)
            us = inflation.get(("USA", year), math.nan)
            g0, g1 = gdp.get((iso, year)), gdp.get((iso, year - 1))
            gdp_growth = math.log(g0 / g1) if g0 and g1 and g0 > 0 and g1 > 0 else math.nan
            over = math.nan
            if all((y in dep) for y in (year, year - 1, year - 2)):
                gaps = [
                    inflation.get((iso, y), math.nan) - inflation.get(("USA", y), math.nan)
                    for y in (year, year - 1, year - 2)
                ]
                over = sum(gaps) / 100.0 - sum(dep[y] for y in (year, year - 1, year - 2))
            countries.append(name)
            years.append(year)
            feats.append([dep[year], dep.get(year - 1, math.nan), infl, infl - us, gdp_growth, over])
            labels.append((year + 1) in crash or (year + 2) in crash)
            known.append(year + 2 <= max(table))
    return CrisisPanel(
        "currency",
        countries,
        np.array(years),
        np.array(feats, dtype=np.float64),
        CURRENCY_FEATURES,
        np.array(labels),
        np.array(known),
        label_end,
        report,
    )


class CrisisModel:
    """L2 logistic regression on standardised indicators (missing values set to the training mean)."""

    version = "1"

    def __init__(self, *, columns: tuple[int, ...] | None = None, c: float = 0.3, name: str = "model") -> None:
        """Use the indicator ``columns`` (all when None) with inverse regularisation ``c``."""
        self.columns = columns
        self.c = c
        self.name = name
        self.means: Matrix = np.zeros(0)
        self.scales: Matrix = np.ones(0)
        self.classifier: LogisticRegression | None = None
        self.feature_names: tuple[str, ...] = ()
        self.constant = math.nan

    def _x(self, panel_features: Matrix) -> Matrix:
        x = panel_features if self.columns is None else panel_features[:, list(self.columns)]
        filled = np.where(np.isnan(x), self.means, x)
        clipped = np.clip((filled - self.means) / self.scales, -5, 5)
        result: Matrix = clipped
        return result

    def fit(self, panel: CrisisPanel, rows: npt.NDArray[np.bool_]) -> CrisisModel:
        """Fit on the panel's ``rows`` (a mask) whose labels are known; returns self."""
        raw = panel.features if self.columns is None else panel.features[:, list(self.columns)]
        names = panel.feature_names if self.columns is None else tuple(panel.feature_names[i] for i in self.columns)
        self.feature_names = names
        x = raw[rows]
        self.means = (
            np.where(np.isfinite(np.nanmean(x, axis=0)), np.nanmean(x, axis=0), 0.0)
            if len(x)
            else np.zeros(raw.shape[1])
        )
        spread = np.nanstd(x, axis=0) if len(x) else np.ones(raw.shape[1])
        self.scales = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        y = panel.label[rows]
        if y.all() or not y.any():
            self.classifier = None
            self.constant = float(y.mean()) if len(y) else 0.0
            return self
        self.classifier = LogisticRegression(C=self.c, max_iter=2000).fit(self._x(panel.features)[rows], y)
        return self

    def predict(self, panel: CrisisPanel, rows: npt.NDArray[np.bool_]) -> Matrix:
        """Return the crisis probability (next one to two years) for the panel's ``rows``."""
        if self.classifier is None:
            return np.full(int(rows.sum()), self.constant)
        result: Matrix = self.classifier.predict_proba(self._x(panel.features)[rows])[:, 1]
        return result

    def explain(self, panel: CrisisPanel, index: int, top: int = 4) -> list[Driver]:
        """Return the main drivers of row ``index``'s probability as logit contributions, in EN and VI."""
        if self.classifier is None:
            return []
        raw = panel.features[index] if self.columns is None else panel.features[index, list(self.columns)]
        row = self._x(panel.features[index : index + 1])[0]
        contributions = row * self.classifier.coef_[0]
        return drivers_from_contributions(
            dict(zip(self.feature_names, contributions, strict=True)),
            WORDS,
            top=top,
            values=dict(zip(self.feature_names, (float(v) for v in raw), strict=True)),
            formats=FORMATS,
        )


def single_indicator(panel: CrisisPanel, rows: npt.NDArray[np.bool_], column: int) -> Matrix:
    """Return the raw value of indicator ``column`` as a ranking score (missing = the lowest)."""
    values = panel.features[rows, column]
    lowest = np.nanmin(values) - 1.0 if np.isfinite(values).any() else 0.0
    result: Matrix = np.where(np.isnan(values), lowest, values)
    return result
