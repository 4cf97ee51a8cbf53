"""Plain-language drivers in English and Vietnamese from per-feature contributions (linear or tree)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Driver:
    """One feature's push on a forecast: positive raises the risk, negative lowers it."""

    feature: str
    contribution: float
    text_en: str
    text_vi: str


def drivers_from_contributions(
    contributions: dict[str, float], words: dict[str, tuple[str, str]], *, top: int = 4
) -> list[Driver]:
    """Return the ``top`` largest contributions (by size) as :class:`Driver` with a sentence in each language.

    Needs ``words`` to map each feature to its (English, Vietnamese) noun phrase; unknown features are
    named by their key.
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
        drivers.append(Driver(feature=feature, contribution=float(value), text_en=text_en, text_vi=text_vi))
    return drivers
