"""Tokenisation shared by training and inference (one definition, so features always match)."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+(?:['.]\w+)*|[!?]+|[:;=][-']?[()dDpP]")


def word_tokens(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (letters/digits runs, plus ``!``/``?`` runs and emoticons)."""
    return _WORD.findall(text.lower())


def sentences(text: str, *, limit: int = 3) -> list[str]:
    """Return up to ``limit`` leading sentences (title lines count as sentences)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip(), maxsplit=limit)
    return [part for part in parts if part][:limit]
