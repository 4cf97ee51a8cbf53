"""Trade scenario: "if the partner's currency falls X % and this commodity moves Y %, under agreement Z".

The base is :class:`~chancery_analytics.forecast.trade.TradeModel`'s one-year-ahead forecast of Viet Nam's
exports to the partner. Three elasticities move it, each estimated from the development data with its
standard error: the partner currency (Viet Nam's export growth to FRED-covered partners on the change of
their currency per US dollar), the commodity (Viet Nam's total export growth on the commodity's annual
price change) and the agreement (the average effect of a regional trade agreement in a gravity regression
with pair, exporter-year and importer-year effects on ``yotov-gravity-rta``). The 80 % interval adds the
model's own error to the elasticities' uncertainty. A shock larger than any seen in the data raises an
explicit "outside what the data supports" warning; it is never silently extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast.data import DataError, parse_float, parse_month, table_read
from chancery_analytics.forecast.trade import (
    AGREEMENTS,
    TradeData,
    TradeModel,
    agreements_in_force,
    fx_annual_changes,
    trade_data_load,
)

Matrix = npt.NDArray[np.float64]
Z80 = 1.2816
OUTSIDE = "outside what the data supports"
FRED_FOR_PARTNER = {
    "Australia": "Australia",
    "Brazil": "Brazil",
    "Canada": "Canada",
    "China, P.R.: Mainland": "China",
    "Denmark": "Denmark",
    "China, P.R.: Hong Kong": "Hong Kong",
    "India": "India",
    "Japan": "Japan",
    "Malaysia": "Malaysia",
    "Mexico": "Mexico",
    "New Zealand": "New Zealand",
    "Norway": "Norway",
    "Singapore": "Singapore",
    "South Africa": "South Africa",
    "Korea, Rep. of": "South Korea",
    "Sri Lanka": "Sri Lanka",
    "Sweden": "Sweden",
    "Switzerland": "Switzerland",
    "Taiwan Province of China": "Taiwan",
    "Thailand": "Thailand",
    "United Kingdom": "United Kingdom",
    "Venezuela, Rep. Bolivariana de": "Venezuela",
    "Austria": "Euro",
    "Belgium": "Euro",
    "Finland": "Euro",
    "France": "Euro",
    "Germany": "Euro",
    "Greece": "Euro",
    "Ireland": "Euro",
    "Italy": "Euro",
    "Netherlands, The": "Euro",
    "Portugal": "Euro",
    "Spain": "Euro",
}


@dataclass
class Elasticity:
    """An estimated effect (log points per log point, or per agreement) with its standard error and data range."""

    value: float
    se: float
    n: int
    low: float = math.nan
    high: float = math.nan


@dataclass
class ScenarioResult:
    """The base and scenario forecasts (US$ million) with an 80 % interval, the effects and any warnings."""

    partner: str
    year: int
    base: float
    scenario: float
    low: float
    high: float
    effects: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "partner": self.partner,
            "year": self.year,
            "base_usd_mn": round(self.base, 3),
            "scenario_usd_mn": round(self.scenario, 3),
            "interval80_usd_mn": [round(self.low, 3), round(self.high, 3)],
            "effects_log_points": {k: round(v, 4) for k, v in self.effects.items()},
            "agreements_in_force": self.agreements,
            "notes": self.notes,
            "warnings": self.warnings,
            "outside_data": bool(self.warnings),
        }

    def lines(self) -> list[str]:
        """Return the result as plain sentences (English, then Vietnamese)."""
        out = [
            (
                f"Exports to {self.partner} in {self.year}: base forecast US${self.base:,.1f} million; "
                f"under the scenario US${self.scenario:,.1f} million "
                f"(80 % interval {self.low:,.1f} to {self.high:,.1f})."
            ),
            (
                f"Xuất khẩu sang {self.partner} năm {self.year}: dự báo cơ sở {self.base:,.1f} triệu USD; "
                f"theo kịch bản {self.scenario:,.1f} triệu USD (khoảng 80 %: {self.low:,.1f} đến {self.high:,.1f})."
            ),
            "Agreements in force / Hiệp định đang có hiệu lực: " + (", ".join(self.agreements) or "none / không có"),
        ]
        out.extend(f"note: {n}" for n in self.notes)
        out.extend(f"WARNING / CẢNH BÁO: {w}" for w in self.warnings)
        return out


def _ols(x: Matrix, y: Matrix) -> tuple[Matrix, Matrix]:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    dof = max(1, len(y) - design.shape[1])
    cov = np.linalg.pinv(design.T @ design) * float(residual @ residual) / dof
    return coef, np.sqrt(np.diag(cov))


def currency_elasticity(trade: TradeData, changes: dict[str, dict[int, float]], upto: int) -> Elasticity:
    """Estimate Viet Nam's export growth to a partner per log change of its currency per US$ (years <= ``upto``)."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for partner, fred in FRED_FOR_PARTNER.items():
        table = trade.exports.get(partner, {})
        for year in range(1996, upto + 1):
            now, before = table.get(year), table.get(year - 1)
            total_now, total_before = trade.vn_total.get(year), trade.vn_total.get(year - 1)
            change = changes.get(fred, {}).get(year)
            if not (now and before and total_now and total_before) or change is None or min(now, before) < 1:
                continue
            xs.append([change, math.log(total_now / total_before)])
            ys.append(math.log(now / before))
    if len(ys) < 20:
        return Elasticity(0.0, math.inf, len(ys))
    coef, se = _ols(np.array(xs), np.clip(np.array(ys), -3, 3))
    observed = [row[0] for row in xs]
    return Elasticity(float(coef[1]), float(se[1]), len(ys), min(observed), max(observed))


def commodity_changes(data: Path, code: str) -> dict[int, float]:
    """Return the annual log change of the mean monthly price of IMF series ``code`` (``pcps_monthly``)."""
    rows, _ = table_read(data / "imf-commodity-prices", "pcps_monthly", ["date"])
    if rows and code not in rows[0]:
        raise DataError(f"unknown commodity series {code!r} (see pcps_series_dictionary.csv)")
    sums: dict[int, list[float]] = {}
    for row in rows:
        when, value = parse_month(row["date"]), parse_float(row.get(code))
        if when is not None and value is not None and value > 0:
            sums.setdefault(when[0], []).append(value)
    means = {year: sum(v) / len(v) for year, v in sums.items() if len(v) == 12}
    return {year: math.log(means[year] / means[year - 1]) for year in means if (year - 1) in means}


def commodity_elasticity(trade: TradeData, changes: dict[int, float], upto: int) -> Elasticity:
    """Estimate Viet Nam's total export growth per log change of the commodity price (years <= ``upto``)."""
    years = [y for y in changes if y <= upto and y in trade.vn_total and (y - 1) in trade.vn_total and y >= 1991]
    if len(years) < 8:
        return Elasticity(0.0, math.inf, len(years))
    x = np.array([[changes[y]] for y in years])
    y = np.array([math.log(trade.vn_total[y] / trade.vn_total[y - 1]) for y in years])
    coef, se = _ols(x, y)
    return Elasticity(float(coef[1]), float(se[1]), len(years), float(x.min()), float(x.max()))


def agreement_elasticity(data: Path, iterations: int = 30) -> Elasticity:
    """Estimate the average log-trade effect of an RTA on ``yotov-gravity-rta``.

    Pair, exporter-year and importer-year effects are swept out by alternating projections; the standard
    error is clustered by pair.
    """
    rows, _ = table_read(
        data / "yotov-gravity-rta", "agtpa_bilateral_trade_rta", ["exporter", "importer", "year", "trade", "rta"]
    )
    keep = []
    for row in rows:
        trade, rta, year = parse_float(row["trade"]), parse_float(row["rta"]), parse_float(row["year"])
        if (
            row["exporter"] != row["importer"]
            and trade is not None
            and trade > 0
            and rta is not None
            and year is not None
        ):
            keep.append((row["exporter"], row["importer"], int(year), math.log(trade), rta))
    if len(keep) < 100:
        return Elasticity(0.0, math.inf, len(keep))
    groups = []
    for key in ((0, 1), (0, 2), (1, 2)):
        labels = [tuple(r[k] for k in key) for r in keep]
        index = {label: i for i, label in enumerate(dict.fromkeys(labels))}
        groups.append(np.array([index[label] for label in labels]))
    y = np.array([r[3] for r in keep])
    x = np.array([r[4] for r in keep])
    for _ in range(iterations):
        for g in groups:
            counts = np.bincount(g)
            y = y - (np.bincount(g, y) / counts)[g]
            x = x - (np.bincount(g, x) / counts)[g]
    beta = float(x @ y / (x @ x))
    residual = y - beta * x
    pairs = groups[0]
    scores = np.bincount(pairs, x * residual)
    se = math.sqrt(float(scores @ scores)) / float(x @ x)
    return Elasticity(beta, se, len(keep), 0.0, 1.0)


def _currency_effect(
    data: Path, trade: TradeData, partner: str, change_pct: float, warnings: list[str]
) -> tuple[float, float]:
    fx_log = -math.log1p(change_pct / 100.0)
    changes = fx_annual_changes(data)
    fx = currency_elasticity(trade, changes, trade.last_year)
    seen = changes.get(FRED_FOR_PARTNER.get(partner, ""), {})
    if not seen:
        warnings.append(f"{OUTSIDE}: no exchange-rate history for {partner}'s currency; the average effect is used")
    elif not min(seen.values()) <= fx_log <= max(seen.values()):
        warnings.append(
            f"{OUTSIDE}: a {change_pct:+.0f} % currency move is larger than any year in the data "
            f"({100 * math.expm1(-max(seen.values())):+.0f} % to {100 * math.expm1(-min(seen.values())):+.0f} %)"
        )
    if not math.isfinite(fx.se):
        warnings.append(f"{OUTSIDE}: too few partner-years to estimate the currency effect")
        return 0.0, 0.0
    return fx.value * fx_log, (fx.se * fx_log) ** 2


def _commodity_effect(
    data: Path, trade: TradeData, commodity: str, change_pct: float, warnings: list[str]
) -> tuple[float, float]:
    c_log = math.log1p(change_pct / 100.0)
    co = commodity_elasticity(trade, commodity_changes(data, commodity), trade.last_year)
    if not math.isfinite(co.se):
        warnings.append(f"{OUTSIDE}: too few years of {commodity} prices to estimate its effect")
        return 0.0, 0.0
    if not co.low <= c_log <= co.high:
        warnings.append(
            f"{OUTSIDE}: a {change_pct:+.0f} % move in {commodity} is beyond the annual moves seen "
            f"({100 * math.expm1(co.low):+.0f} % to {100 * math.expm1(co.high):+.0f} %)"
        )
    return co.value * c_log, (co.se * c_log) ** 2


def scenario_run(
    data: Path,
    *,
    partner: str,
    currency_change_pct: float = 0.0,
    commodity: str = "PCOFFROB",
    commodity_change_pct: float = 0.0,
    agreement: str | None = None,
) -> ScenarioResult:
    """Forecast next year's exports to ``partner`` under the shocks; warns when a shock is outside the data.

    Needs ``imf-dots-exports``, ``fred-exchange-rates``, ``imf-commodity-prices`` and (for ``agreement``)
    ``yotov-gravity-rta``. Raises :class:`DataError` for an unknown partner, commodity or agreement, or a
    change of -100 % or below.
    """
    if currency_change_pct <= -100 or commodity_change_pct <= -100:
        raise DataError("a price or currency cannot fall by 100 % or more")
    trade = trade_data_load(data)
    origin = trade.last_year
    if trade.exports.get(partner, {}).get(origin, 0.0) <= 0:
        known = ", ".join(sorted(p for p, t in trade.exports.items() if t.get(origin, 0) > 100)[:12])
        raise DataError(f"no exports to {partner!r} in {origin}; partners include {known}")
    model = TradeModel().fit(trade, origin=origin)
    base = float(model.predict(trade, origin=origin, partners=[partner])[0])
    low, high = model.interval(0.8)
    warnings: list[str] = []
    notes: list[str] = []
    effects: dict[str, float] = {}
    variance = 0.0
    if currency_change_pct:
        effects["currency"], extra = _currency_effect(data, trade, partner, currency_change_pct, warnings)
        variance += extra
    if commodity_change_pct:
        effects["commodity"], extra = _commodity_effect(data, trade, commodity, commodity_change_pct, warnings)
        variance += extra
    in_force = agreements_in_force(partner, origin + 1)
    if agreement:
        if agreement not in AGREEMENTS:
            raise DataError(f"unknown agreement {agreement!r}; known: {', '.join(AGREEMENTS)}")
        if partner not in AGREEMENTS[agreement][1]:
            raise DataError(f"{partner} is not a party to {agreement}")
        if agreement in agreements_in_force(partner, origin - 2):
            notes.append(
                f"{agreement} has been in force since {AGREEMENTS[agreement][0]}: its effect is already in the base"
            )
        else:
            rta = agreement_elasticity(data)
            effects["agreement"] = rta.value
            variance += rta.se**2
            others = [name for name in in_force if name != agreement]
            if others:
                notes.append(
                    f"the agreement effect is the average effect of a regional trade agreement (gravity, 1986-2006); "
                    f"{partner} already trades with Viet Nam under {', '.join(others)}, so the added effect is "
                    "probably smaller"
                )
    total = sum(effects.values())
    spread = Z80 * math.sqrt(variance)
    return ScenarioResult(
        partner=partner,
        year=origin + 1,
        base=base,
        scenario=base * math.exp(total),
        low=base * math.exp(total + low - spread),
        high=base * math.exp(total + high + spread),
        effects=effects,
        warnings=warnings,
        agreements=in_force,
        notes=notes,
    )
