"""Does an item match a watchlist? Countries by mention; keywords, people and organisations by folded phrase."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from chancery.vault.search import fold


@lru_cache(maxsize=4096)
def _phrase(term: str) -> re.Pattern[str]:
    words = re.findall(r"\w+", fold(term))
    return re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b") if words else re.compile(r"(?!x)x")


def phrase_in(term: str, folded_text: str) -> bool:
    """True when the words of ``term`` occur together, in order, in ``folded_text`` (already folded)."""
    return bool(_phrase(term).search(folded_text))


def watch_reasons(
    *,
    countries: Iterable[str],
    keywords: Iterable[str],
    people: Iterable[str],
    organisations: Iterable[str],
    item_countries: set[str],
    folded_text: str,
) -> list[str]:
    """Return why an item matches a watchlist (``"country:VNM"``, ``"keyword:…"`` …); empty when it does not."""
    reasons = [f"country:{code}" for code in countries if code in item_countries]
    for label, terms in (("keyword", keywords), ("person", people), ("organisation", organisations)):
        reasons.extend(f"{label}:{term}" for term in terms if phrase_in(term, folded_text))
    return reasons
