"""Tokenisation shared by training and inference (one definition, so features always match)."""

from __future__ import annotations

import re
from bisect import bisect_left

_WORD = re.compile(r"\w+(?:['.]\w+)*|[!?]+|[:;=][-']?[()dDpP]")
# Name tokens, case kept, as the country and people/organisation gazetteers match them ("U.S", "Al-Assad").
NAME_TOKEN = re.compile(r"\w+(?:[.\-']\w+)*")


def word_tokens(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (letters/digits runs, plus ``!``/``?`` runs and emoticons)."""
    return _WORD.findall(text.lower())


def name_lines(text: str) -> list[tuple[str, ...]]:
    """Return the :data:`NAME_TOKEN` tokens of each line of ``text`` (split on newlines), in order."""
    return [tuple(NAME_TOKEN.findall(line)) for line in text.split("\n")]


def sentences(text: str, *, limit: int = 3) -> list[str]:
    """Return up to ``limit`` leading sentences (title lines count as sentences)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip(), maxsplit=limit)
    return [part for part in parts if part][:limit]


def _cut_before(text: str, index: int) -> int:
    """Return the last offset at or before ``index`` where no token continues: 0, the end, after a space or newline."""
    if index >= len(text):
        return len(text)
    return max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1


def _cut_after(text: str, index: int) -> int:
    """Return the first offset at or after ``index`` where no token can continue (see :func:`_cut_before`)."""
    if index <= 0:
        return 0
    found = [at for at in (text.find(" ", index - 1), text.find("\n", index - 1)) if at >= 0]
    return min(found) + 1 if found else len(text)


class TokenSlices:
    """:func:`word_tokens` of any slice of one text, tokenising each stretch of the text once.

    No token contains a space or a newline, and lower-casing never crosses one, so the tokens of a slice are
    the tokens of its pieces between such cuts. The pieces tokenised so far are kept, keyed by their cut
    offsets, and a later slice reuses them (a prefix of 400 characters, then of 1,000, then the whole text
    tokenise about the whole text once). Needs the text; emits lists equal to ``word_tokens(text[start:stop])``.
    """

    __slots__ = ("_cuts", "_pieces", "text")

    def __init__(self, text: str) -> None:
        """Prepare the memo for ``text`` (nothing is tokenised until a slice is asked for)."""
        self.text = text
        self._cuts = [0]  # sorted cut offsets; _pieces[i] holds the tokens of text[_cuts[i] : _cuts[i + 1]]
        self._pieces: list[list[str]] = []

    def tokens(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Return ``word_tokens(text[start:stop])`` for ``0 <= start`` and ``stop`` (None: the end) ``>= 0``."""
        text = self.text
        stop = len(text) if stop is None else min(stop, len(text))
        first, last = _cut_after(text, start), _cut_before(text, stop)
        if start >= stop or first >= last:
            return word_tokens(text[start:stop])
        inner = self._between(self._cut_index(first), self._cut_index(last))
        head = word_tokens(text[start:first]) if start < first else []
        tail = word_tokens(text[last:stop]) if last < stop else []
        return head + inner + tail if head or tail else inner

    def _between(self, first: int, last: int) -> list[str]:
        """Return the tokens of the pieces from cut number ``first`` to cut number ``last``."""
        if last == first + 1:
            return list(self._pieces[first])
        return [token for piece in self._pieces[first:last] for token in piece]

    def _cut_index(self, offset: int) -> int:
        """Make ``offset`` (a cut) a piece boundary, tokenising what is new; return its position among the cuts."""
        cuts = self._cuts
        index = bisect_left(cuts, offset)
        if index < len(cuts) and cuts[index] == offset:
            return index
        if index == len(cuts):  # beyond what is tokenised: one new piece up to the offset
            self._pieces.append(word_tokens(self.text[cuts[-1] : offset]))
        else:  # inside a piece: split it in two
            left, right = cuts[index - 1], cuts[index]
            self._pieces[index - 1 : index] = [
                word_tokens(self.text[left:offset]),
                word_tokens(self.text[offset:right]),
            ]
        cuts.insert(index, offset)
        return index
