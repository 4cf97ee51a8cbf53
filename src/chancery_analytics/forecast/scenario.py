"""Trade scenario: "if the partner's currency falls X % and this commodity moves Y %, under agreement Z".

The base is :class:`~chancery_analytics.forecast.trade.TradeModel`'s one-year-ahead forecast of Viet Nam's
exports to the partner. Three elasticities move it, each estimated from the development data with its
standard error: the partner currency (Viet Nam's export growth to FRED-covered partners on the change of
their currency per US dollar), the commodity (Viet Nam's total export growth on the commodity's annual
price change) and the agreement (the average effect of a regional trade agreement, from the committed PPML
gravity parameters of :mod:`~chancery_analytics.forecast.gravity`, phased in as the average agreement's is).
The 80 % interval adds the model's own error to the elasticities' uncertainty. A shock larger than any seen
in the data raises an explicit "outside what the data supports" warning; it is never silently extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.forecast.data import DataError, parse_float, parse_month, table_read
from chancery_analytics.forecast.gravity import RTA_TERMS, GravityFit, gravity_params
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
OUTSIDE_VI = "ngoài phạm vi dữ liệu cho phép"
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
    warnings_vi: list[str] = field(default_factory=list)
    notes_vi: list[str] = field(default_factory=list)

    def notes_in(self, language: str) -> list[str]:
        """Return the notes in ``language`` (Vietnamese for ``vi*``, else English)."""
        return self.notes_vi if language.startswith("vi") and len(self.notes_vi) == len(self.notes) else self.notes

    def warnings_in(self, language: str) -> list[str]:
        """Return the warnings in ``language`` (Vietnamese for ``vi*``, else English)."""
        vi = language.startswith("vi") and len(self.warnings_vi) == len(self.warnings)
        return self.warnings_vi if vi else self.warnings

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


class Said:
    """Messages kept in English and Vietnamese side by side (the pure package has no translation catalogue)."""

    def __init__(self) -> None:
        """Start with no message."""
        self.en: list[str] = []
        self.vi: list[str] = []

    def add(self, en: str, vi: str) -> None:
        """Add one message in both languages."""
        self.en.append(en)
        self.vi.append(vi)


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


def _currency_effect(
    data: Path, trade: TradeData, partner: str, change_pct: float, warnings: Said
) -> tuple[float, float]:
    fx_log = -math.log1p(change_pct / 100.0)
    changes = fx_annual_changes(data)
    fx = currency_elasticity(trade, changes, trade.last_year)
    seen = changes.get(FRED_FOR_PARTNER.get(partner, ""), {})
    if not seen:
        warnings.add(
            f"{OUTSIDE}: no exchange-rate history for {partner}'s currency; the average effect is used",
            f"{OUTSIDE_VI}: không có chuỗi tỷ giá của đồng tiền {partner}; dùng tác động bình quân",
        )
    elif not min(seen.values()) <= fx_log <= max(seen.values()):
        seen_low = 100 * math.expm1(-max(seen.values()))
        seen_high = 100 * math.expm1(-min(seen.values()))
        warnings.add(
            f"{OUTSIDE}: a {change_pct:+.0f} % currency move is larger than any year in the data "
            f"({seen_low:+.0f} % to {seen_high:+.0f} %)",
            f"{OUTSIDE_VI}: biến động tỷ giá {change_pct:+.0f} % lớn hơn mọi năm trong dữ liệu "
            f"({seen_low:+.0f} % đến {seen_high:+.0f} %)",
        )
    if not math.isfinite(fx.se):
        warnings.add(
            f"{OUTSIDE}: too few partner-years to estimate the currency effect",
            f"{OUTSIDE_VI}: quá ít cặp đối tác-năm để ước lượng tác động tỷ giá",
        )
        return 0.0, 0.0
    return fx.value * fx_log, (fx.se * fx_log) ** 2


def _commodity_effect(
    data: Path, trade: TradeData, commodity: str, change_pct: float, warnings: Said
) -> tuple[float, float]:
    c_log = math.log1p(change_pct / 100.0)
    co = commodity_elasticity(trade, commodity_changes(data, commodity), trade.last_year)
    if not math.isfinite(co.se):
        warnings.add(
            f"{OUTSIDE}: too few years of {commodity} prices to estimate its effect",
            f"{OUTSIDE_VI}: quá ít năm có giá {commodity} để ước lượng tác động",
        )
        return 0.0, 0.0
    if not co.low <= c_log <= co.high:
        seen_low, seen_high = 100 * math.expm1(co.low), 100 * math.expm1(co.high)
        warnings.add(
            f"{OUTSIDE}: a {change_pct:+.0f} % move in {commodity} is beyond the annual moves seen "
            f"({seen_low:+.0f} % to {seen_high:+.0f} %)",
            f"{OUTSIDE_VI}: biến động {change_pct:+.0f} % của {commodity} vượt quá mức biến động hằng năm đã thấy "
            f"({seen_low:+.0f} % đến {seen_high:+.0f} %)",
        )
    return co.value * c_log, (co.se * c_log) ** 2


AGREEMENT_TYPES: dict[str, tuple[str, str]] = {
    "rta_entry": ("entry", "a new regional trade agreement, first years in force"),
    "rta_full": ("full", "a regional trade agreement after full phase-in (12 years)"),
}
LAGS = (0, 4, 8, 12)


@dataclass(frozen=True)
class AgreementChoice:
    """The "under agreement Z" input: a named agreement or a type, and when it entered into force for Viet Nam.

    ``effect`` is ``entry`` (first four years) or ``full`` (after twelve); ``in_force_year`` None means a
    hypothetical agreement; ``partner_is_party`` False makes the scenario refuse it.
    """

    name: str
    effect: str = "entry"
    in_force_year: int | None = None
    partner_is_party: bool = True


def agreement_from_name(name: str, partner: str) -> AgreementChoice:
    """Return the choice for a short name of the built-in table or an agreement type; DataError when unknown."""
    if name in AGREEMENT_TYPES:
        effect, label = AGREEMENT_TYPES[name]
        return AgreementChoice(label, effect)
    if name not in AGREEMENTS:
        known = ", ".join([*AGREEMENTS, *AGREEMENT_TYPES])
        raise DataError(f"unknown agreement {name!r}; known: {known}")
    start, parties = AGREEMENTS[name]
    return AgreementChoice(name, "entry", start, partner in parties)


def _agreement_effect(  # noqa: PLR0917 - a private helper of scenario_run
    choice: AgreementChoice,
    partner: str,
    origin: int,
    rta: GravityFit,
    in_force: list[str],
    notes: Said,
    warnings: Said,
) -> tuple[float | None, float]:
    """Return (added log effect on exports in ``origin + 1``, its variance); explain it in ``notes``/``warnings``."""
    if choice.effect not in ("entry", "full"):
        raise DataError(f"unknown agreement effect {choice.effect!r}; use entry or full")
    if not choice.partner_is_party:
        raise DataError(f"{partner} is not a party to {choice.name}")
    coefficients = np.array([rta.coefficients[name] for name in RTA_TERMS])
    covariance = np.array(rta.covariance)
    if choice.in_force_year is not None and choice.in_force_year <= origin:
        years = origin - choice.in_force_year
        now = np.array([1.0 if years >= lag else 0.0 for lag in LAGS])
        then = np.array([1.0 if years + 1 >= lag else 0.0 for lag in LAGS])
        weights = then - now
        if not weights.any():
            notes.add(
                f"{choice.name} has been in force since {choice.in_force_year}: its effect so far is already in "
                f"the base, and the gravity estimates add nothing new in {origin + 1}",
                f"{choice.name} có hiệu lực từ năm {choice.in_force_year}: tác động đến nay đã nằm trong dự báo cơ "
                f"sở, và ước lượng trọng lực không bổ sung gì thêm cho năm {origin + 1}",
            )
            return None, 0.0
        notes.add(
            f"{choice.name} has been in force since {choice.in_force_year}: the base holds its effect so far; "
            f"{origin + 1} adds the next phase-in step of the average agreement",
            f"{choice.name} có hiệu lực từ năm {choice.in_force_year}: dự báo cơ sở đã gồm tác động đến nay; "
            f"năm {origin + 1} cộng thêm bước thực thi tiếp theo của một hiệp định bình quân",
        )
    else:
        weights = np.ones(len(LAGS)) if choice.effect == "full" else np.array([1.0, 0.0, 0.0, 0.0])
        if choice.effect == "full":
            warnings.add(
                f"{OUTSIDE}: the full effect builds up over twelve years in the data; applying it to a single "
                f"year ({origin + 1}) goes beyond what the data show for one year",
                f"{OUTSIDE_VI}: trong dữ liệu, tác động đầy đủ hình thành qua mười hai năm; áp dụng cho một năm "
                f"({origin + 1}) vượt quá những gì dữ liệu cho thấy trong một năm",
            )
        if choice.in_force_year is not None:
            full = choice.effect == "full"
            notes.add(
                f"{choice.name} entered into force for Viet Nam in {choice.in_force_year}, after the data's last "
                f"year ({origin}): the scenario applies the average agreement's "
                f"{'full' if full else 'entry'} effect to {origin + 1} as if it were in force",
                f"{choice.name} có hiệu lực với Việt Nam từ năm {choice.in_force_year}, sau năm cuối của dữ liệu "
                f"({origin}): kịch bản áp dụng tác động {'đầy đủ' if full else 'ban đầu'} của một hiệp định bình "
                f"quân cho năm {origin + 1} như thể hiệp định đã có hiệu lực",
            )
    value = float(weights @ coefficients)
    variance = float(weights @ covariance @ weights)
    low, high = value - Z80 * math.sqrt(variance), value + Z80 * math.sqrt(variance)
    pct, pct_low, pct_high = (100 * math.expm1(v) for v in (value, low, high))
    period = f"{rta.years[0]}-{rta.years[-1]}"
    notes.add(
        f"trade-agreement effect {pct:+.0f} % (80 % interval {pct_low:+.0f} % to {pct_high:+.0f} %): the average "
        f"effect of a regional trade agreement on manufacturing trade among {rta.countries} countries in {period} "
        "(PPML gravity); Viet Nam is not in that sample and single agreements vary widely around the average",
        f"tác động của hiệp định thương mại {pct:+.0f} % (khoảng 80 %: {pct_low:+.0f} % đến {pct_high:+.0f} %): "
        f"tác động bình quân của một hiệp định thương mại khu vực lên thương mại hàng chế tạo giữa {rta.countries} "
        f"nước giai đoạn {period} (mô hình trọng lực PPML); Việt Nam không nằm trong mẫu này và từng hiệp định "
        "có thể khác xa mức bình quân",
    )
    if low <= 0 <= high:
        notes.add(
            "the data cannot tell this agreement effect from zero at the 80 % level",
            "ở mức 80 %, dữ liệu không phân biệt được tác động của hiệp định này với 0",
        )
    others = [name for name in in_force if name != choice.name]
    if others:
        notes.add(
            f"{partner} already trades with Viet Nam under {', '.join(others)}, so the added effect is probably "
            "smaller",
            f"{partner} đã giao thương với Việt Nam theo {', '.join(others)}, nên tác động tăng thêm có lẽ nhỏ hơn",
        )
    return value, variance


def scenario_run(
    data: Path,
    *,
    partner: str,
    currency_change_pct: float = 0.0,
    commodity: str = "PCOFFROB",
    commodity_change_pct: float = 0.0,
    agreement: str | None = None,
    agreement_choice: AgreementChoice | None = None,
    rta: GravityFit | None = None,
) -> ScenarioResult:
    """Forecast next year's exports to ``partner`` under the shocks; warns when a shock is outside the data.

    Needs ``imf-dots-exports``, ``fred-exchange-rates`` and ``imf-commodity-prices``. The agreement is either
    ``agreement`` (a short name of :data:`~chancery_analytics.forecast.trade.AGREEMENTS`, or ``rta_entry`` /
    ``rta_full`` for a new agreement of the average kind) or an :class:`AgreementChoice` (e.g. from the
    agreements register); its effect comes from the committed PPML gravity parameters (``rta`` overrides
    them; see :mod:`chancery_analytics.forecast.gravity`). Raises :class:`DataError` for an unknown partner,
    commodity or agreement, a partner that is not a party, or a change of -100 % or below.
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
    warnings = Said()
    notes = Said()
    effects: dict[str, float] = {}
    variance = 0.0
    if currency_change_pct:
        effects["currency"], extra = _currency_effect(data, trade, partner, currency_change_pct, warnings)
        variance += extra
    if commodity_change_pct:
        effects["commodity"], extra = _commodity_effect(data, trade, commodity, commodity_change_pct, warnings)
        variance += extra
    in_force = agreements_in_force(partner, origin + 1)
    choice = agreement_choice
    if choice is None and agreement:
        choice = agreement_from_name(agreement, partner)
    if choice is not None:
        value, extra = _agreement_effect(choice, partner, origin, rta or gravity_params(), in_force, notes, warnings)
        if value is not None:
            effects["agreement"] = value
            variance += extra
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
        warnings=warnings.en,
        agreements=in_force,
        notes=notes.en,
        warnings_vi=warnings.vi,
        notes_vi=notes.vi,
    )
