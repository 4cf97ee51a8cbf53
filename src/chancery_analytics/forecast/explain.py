"""Plain-language drivers in English and Vietnamese from per-feature contributions (linear or tree).

Each driver says which way it pushes the forecast and, when the indicator's value is given, the evidence
behind it: the indicator in plain units ("about 340 deaths", "+12.5 %"), so a reader sees the number the
model saw, not only its weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# How an indicator's raw value reads in plain units: deaths stored as log(1 + x), a share (0-1), a log
# change (shown as a percentage change), a fraction change (shown as a percentage), a percentage, a count
# of years, an index (0-1), a natural log of a level, or a 0/1 flag.
FORMATS = ("log1p_count", "share", "log_change", "fraction", "percent", "years", "index", "log_level", "flag", "plain")

LOG_LIMIT = 700.0


@dataclass(frozen=True)
class Driver:
    """One feature's push on a forecast: positive raises the risk, negative lowers it."""

    feature: str
    contribution: float
    text_en: str
    text_vi: str
    value: float | None = None
    evidence_en: str = ""
    evidence_vi: str = ""


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def indicator_text(value: float | None, form: str) -> str:  # noqa: PLR0911 - one return per unit
    """Return ``value`` in plain units for ``form`` (one of :data:`FORMATS`); "no data" for missing values."""
    if value is None or not math.isfinite(value):
        return ""
    if form in ("log1p_count", "log_change", "log_level") and abs(value) > LOG_LIMIT:
        return ""  # a log beyond any real indicator (e**700 overflows): treated as missing
    if form == "log1p_count":
        return _number(math.expm1(value))
    if form == "share":
        return f"{100 * value:.0f} %"
    if form == "log_change":
        return f"{100 * math.expm1(value):+.1f} %"
    if form == "fraction":
        return f"{100 * value:+.1f} %"
    if form == "percent":
        return f"{value:.1f} %"
    if form == "years":
        return f"{value:.0f}"
    if form == "log_level":
        return _number(math.exp(value))
    if form == "flag":
        return "1" if value >= 0.5 else "0"
    return _number(value)


def drivers_from_contributions(
    contributions: dict[str, float],
    words: dict[str, tuple[str, str]],
    *,
    top: int = 4,
    values: dict[str, float] | None = None,
    formats: dict[str, str] | None = None,
) -> list[Driver]:
    """Return the ``top`` largest contributions (by size) as :class:`Driver` with a sentence in each language.

    Needs ``words`` to map each feature to its (English, Vietnamese) noun phrase; unknown features are
    named by their key. With ``values`` (the raw indicator the model saw) and ``formats`` (feature ->
    one of :data:`FORMATS`, default ``plain``) each driver also carries its evidence sentence; a missing
    value reads "no data (the model used the average)".
    """
    ranked = sorted(contributions.items(), key=lambda item: abs(item[1]), reverse=True)[:top]
    drivers: list[Driver] = []
    for feature, value in ranked:
        en, vi = words.get(feature, (feature, feature))
        if value >= 0:
            text_en = f"{en.capitalize()} raises the risk (contribution {value:+.2f} on the log-odds scale)."
            text_vi = f"{vi.capitalize()} làm tăng rủi ro (đóng góp {value:+.2f} trên thang log-odds)."
        else:
            text_en = f"{en.capitalize()} lowers the risk (contribution {value:+.2f} on the log-odds scale)."
            text_vi = f"{vi.capitalize()} làm giảm rủi ro (đóng góp {value:+.2f} trên thang log-odds)."
        raw: float | None = None
        evidence_en = evidence_vi = ""
        if values is not None:
            raw = values.get(feature)
            raw = float(raw) if raw is not None and math.isfinite(raw) else None
            shown = indicator_text(raw, (formats or {}).get(feature, "plain"))
            if shown:
                evidence_en = f"Indicator: {en} = {shown}."
                evidence_vi = f"Chỉ số: {vi} = {shown}."
            else:
                evidence_en = f"Indicator: {en} — no data (the model used the average)."
                evidence_vi = f"Chỉ số: {vi} — không có dữ liệu (mô hình dùng giá trị trung bình)."
        drivers.append(
            Driver(
                feature=feature,
                contribution=float(value),
                text_en=text_en,
                text_vi=text_vi,
                value=raw,
                evidence_en=evidence_en,
                evidence_vi=evidence_vi,
            )
        )
    return drivers
