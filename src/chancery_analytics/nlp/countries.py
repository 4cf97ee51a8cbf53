"""Country tagging in English and Vietnamese: every country a text refers to, and the ones it is mainly about.

A gazetteer (pycountry names plus curated short forms, demonyms and capitals in both languages) is matched
on word n-grams; an all-capitals line (a wire headline) is matched in title case. A country is one the
text is *mainly about* when it is mentioned in the headline or lead, or when its mention count is at least
three quarters of the most-mentioned country's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.gazetteer_en import ALIASES_EN
from chancery_analytics.nlp.gazetteer_vi import ALIASES_VI, EXCLUDE_VI
from chancery_analytics.nlp.tokenise import NAME_TOKEN, name_lines

MODEL_ID = "countries-gazetteer@2026.11.1"
LEAD_CHARS = 250
ABOUT_SHARE = 0.75

_TOKEN = NAME_TOKEN
_ACRONYMS = frozenset({"US", "UK", "USA", "USSR", "UAE", "EC", "EU", "PRC", "DPRK", "DRC", "SEC", "USDA", "CFTC"})
# pycountry names that are also ordinary words or too ambiguous to trust on their own.
# Weak cues, used only when no country is named at all: a US-dollar amount or US corporate form points to the
# United States, a sterling amount or a "plc" to the United Kingdom (wire stories drop the dateline).
# Compared case-insensitively.
_CUES = {
    "dlrs": "USA",
    "dlr": "USA",
    "inc": "USA",
    "corp": "USA",
    "cts": "USA",
    "shr": "USA",
    "qtr": "USA",
    "stg": "GBR",
    "plc": "GBR",
}
_SKIP = frozenset({"Jersey", "Guernsey", "Man", "Chad", "Georgia", "Jordan", "Niger", "Turkey", "Guinea", "Mali"})


@dataclass(frozen=True, slots=True)
class CountryTags:
    """ISO 3166-1 alpha-3 codes: ``countries`` (all, first mention first) and ``about`` (a subset)."""

    countries: list[str]
    about: list[str]
    model: str = MODEL_ID


def _key(alias: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(alias))


@cache
def gazetteer() -> dict[tuple[str, ...], str]:
    """Return the alias table: token tuple (case-sensitive) → ISO alpha-3 code."""
    import pycountry

    table: dict[tuple[str, ...], str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and name not in _SKIP and "," not in name:
                table.setdefault(_key(name), country.alpha_3)
    for aliases in (ALIASES_EN, ALIASES_VI):
        for code, joined in aliases.items():
            for alias in joined.split("|"):
                if alias:
                    table[_key(alias)] = code
    return table


@cache
def _widths() -> dict[str, int]:
    """Return the longest alias length (in words) for each word that starts an alias."""
    widths: dict[str, int] = {}
    for alias in gazetteer():
        if alias:
            widths[alias[0]] = max(widths.get(alias[0], 0), len(alias))
    return widths


def _titled(line: str) -> str:
    if line != line.upper():
        return line
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return line
    return _TOKEN.sub(lambda m: m.group(0) if m.group(0) in _ACRONYMS else m.group(0).title(), line)


def _excluded(alias: tuple[str, ...], tokens: Sequence[str], start: int, end: int) -> bool:
    if len(alias) != 1 or alias[0] not in EXCLUDE_VI:
        return False
    before, after = EXCLUDE_VI[alias[0]]
    previous = tokens[start - 1].lower() if start > 0 else ""
    following = tokens[end].lower() if end < len(tokens) else ""
    return previous in before or following in after


def _tokens_before(text: str, lines: list[tuple[str, ...]], limit: int) -> list[str]:
    """Return ``_TOKEN.findall(text[:limit])`` from the tokens of ``text``'s lines (no token spans a newline)."""
    tokens: list[str] = []
    offset = 0
    for line, line_tokens in zip(text.split("\n"), lines, strict=True):
        if offset + len(line) > limit:
            tokens.extend(_TOKEN.findall(line[: max(limit - offset, 0)]))
            break
        tokens.extend(line_tokens)
        offset += len(line) + 1
    return tokens


def _first_cue(tokens: list[str]) -> str | None:
    """Return the country of the first weak cue (:data:`_CUES`, case-insensitive) among ``tokens``, if any."""
    lowered = list(map(str.lower, tokens))
    if _CUES.keys().isdisjoint(lowered):  # the usual case, decided without a Python-level loop
        return None
    return next(_CUES[word] for word in lowered if word in _CUES)


def countries_tag(text: str, shared: TextCounts | None = None) -> CountryTags:
    """Return the countries ``text`` refers to and those it is mainly about (needs normalised text).

    ``shared``: optional :class:`TextCounts` of the same text, whose name tokens the other taggers read too.
    """
    table = gazetteer()
    widths = _widths()
    lines = shared.name_lines() if shared is not None and shared.text == text else name_lines(text)
    counts: dict[str, int] = {}
    lead: set[str] = set()
    offset = 0
    for line, line_tokens in zip(text.split("\n"), lines, strict=True):
        line_start = offset
        offset += len(line) + 1
        titled = _titled(line)
        tokens: Sequence[str] = line_tokens if titled == line else _TOKEN.findall(titled)
        if "'s" in titled:
            tokens = [token.removesuffix("'s") for token in tokens]  # possessives: "Canada's" is "Canada"
        in_lead: int | None = None  # how many tokens start in the lead, counted only when a match may lie there
        done = 0
        # Only positions whose token can start an alias are tried; a match consumes its tokens.
        for i in [i for i, token in enumerate(tokens) if token in widths]:
            if i < done:
                continue
            for width in range(min(widths[tokens[i]], len(tokens) - i), 0, -1):
                alias = tuple(tokens[i : i + width])
                code = table.get(alias)
                if code is not None and not _excluded(alias, tokens, i, i + width):
                    counts[code] = counts.get(code, 0) + 1
                    if line_start < LEAD_CHARS:
                        if in_lead is None:  # the tokens of the line's part in the lead are its first ones
                            in_lead = len(_TOKEN.findall(titled[: LEAD_CHARS - line_start]))
                        if i < in_lead:
                            lead.add(code)
                    done = i + width
                    break
    if not counts:
        cue = _first_cue(_tokens_before(text, lines, 2000))
        return CountryTags(countries=[cue], about=[cue]) if cue else CountryTags(countries=[], about=[])
    ordered = list(counts)
    top = max(counts.values())
    about = [code for code in ordered if code in lead or counts[code] >= ABOUT_SHARE * top]
    return CountryTags(countries=ordered, about=about)
