"""Language identification (ISO 639-1): script rules for non-Latin scripts, a char n-gram model for the rest."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.linear import LinearModel

_SCRIPTS = (
    ("CJK", "zh"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("CYRILLIC", "ru"),
    ("THAI", "th"),
    ("LAO", "lo"),
    ("KHMER", "km"),
    ("ARABIC", "ar"),
    ("HEBREW", "he"),
    ("DEVANAGARI", "hi"),
    ("GREEK", "el"),
)


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """The ISO 639-1 code, a 0..1 confidence and the model that decided."""

    lang: str
    score: float
    model: str


# Latin letters (with Vietnamese and other diacritics), punctuation, digits: no script rule applies.
_LATIN_ONLY = re.compile(r"[\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u2000-\u206f\s]*")


def _script_language(text: str) -> str | None:
    if _LATIN_ONLY.fullmatch(text, 0, 400):
        return None
    counts: dict[str, int] = {}
    letters = 0
    for char in text[:400]:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        for prefix, lang in _SCRIPTS:
            if name.startswith(prefix):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not letters or not counts:
        return None
    lang, count = max(counts.items(), key=lambda item: item[1])
    if count < letters / 2:
        return None
    if lang == "zh" and counts.get("ja", 0):
        return "ja"
    return lang


def language_identify(text: str, model: LinearModel, shared: TextCounts | None = None) -> LanguageResult:
    """Return the language of normalised ``text``; ``und`` when it has no letters at all.

    ``shared``: optional :class:`TextCounts` of the same text, reused by the pipeline's other models.
    """
    by_script = _script_language(text)
    if by_script is not None:
        return LanguageResult(lang=by_script, score=1.0, model="script-rules@2026.11.1")
    if not any(char.isalpha() for char in text):
        return LanguageResult(lang="und", score=0.0, model=model.model_id)
    prediction = model.predict(text, shared)
    return LanguageResult(lang=prediction.label, score=prediction.score, model=model.model_id)
