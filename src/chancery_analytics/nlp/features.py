"""Hashed n-gram features: reproducible at inference without a vocabulary (crc32 of UTF-8, not ``hash()``)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.nlp.social import social_prepare, social_tokens
from chancery_analytics.nlp.tokenise import word_tokens

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
LEXICON_FEATURES = 4
_STEM_MEMO = 200_000
_NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nothing", "neither", "without", "cannot"})


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How a model turns text into features; stored in the model's JSON so inference matches training."""

    n_features: int = 1 << 20
    word_ngrams: int = 2
    char_min: int = 0
    char_max: int = 0
    max_chars: int = 0  # 0: the whole text
    lowercase_chars: bool = True
    idf: bool = False  # weigh terms by inverse document frequency (stored with the model)
    lexicon: str = ""  # a sentiment lexicon in models/ (``lexicon_<name>.tsv``): 4 dense features after the buckets
    social: bool = False  # social-media tokens (:mod:`chancery_analytics.nlp.social`): emoji, hashtags, negation
    stem: str = ""  # a Snowball stemmer ("english"): word n-grams are built from stems (characters stay as written)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureSpec:
        """Build a spec from its JSON form (unknown keys are an error)."""
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form of the spec."""
        return {
            "n_features": self.n_features,
            "word_ngrams": self.word_ngrams,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "max_chars": self.max_chars,
            "lowercase_chars": self.lowercase_chars,
            "idf": self.idf,
            "lexicon": self.lexicon,
            "social": self.social,
            "stem": self.stem,
        }


@cache
def lexicon_load(name: str) -> dict[str, float]:
    """Return the word → valence table ``models/lexicon_<name>.tsv`` (``#`` lines are comments)."""
    table: dict[str, float] = {}
    path = MODELS_DIR / f"lexicon_{name}.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("# "):
            word, _, value = line.partition("\t")
            table[word] = float(value)
    return table


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """Return a memoised Snowball stemmer for ``language`` (e.g. ``"english"``): word → stem."""
    import snowballstemmer  # type: ignore[import-untyped]

    algorithm = snowballstemmer.stemmer(language)
    memo: dict[str, str] = {}

    def stem(word: str) -> str:
        result = memo.get(word)
        if result is None:
            result = algorithm.stemWord(word)
            if len(memo) < _STEM_MEMO:  # bounded: a flood of unique tokens cannot grow it without limit
                memo[word] = result
        return result

    return stem


def lexicon_features(words: list[str], name: str) -> list[float]:
    """Return positive mass, negative mass, squashed net valence and a mixed-polarity flag for ``words``.

    A valence is flipped and damped after a negation within three words.
    """
    table = lexicon_load(name)
    positive = negative = 0.0
    for i, word in enumerate(words):
        valence = table.get(word)
        if valence is None:
            continue
        window = words[max(0, i - 3) : i]
        if any(w in _NEGATIONS or w.endswith("n't") for w in window):
            valence *= -0.74
        if valence > 0:
            positive += valence
        else:
            negative -= valence
    net = positive - negative
    return [
        math.tanh(positive / 4),
        math.tanh(negative / 4),
        net / math.sqrt(net * net + 15),
        1.0 if positive and negative else 0.0,
    ]


IdfLookup = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float32]]


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SALT = np.uint64(0xD6E8FEB86659FD93)


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit finaliser (xor-shift-multiply); uint64 arithmetic wraps, so it is the same on every machine."""
    values = values ^ (values >> np.uint64(31))
    values = values * _SALT
    return values ^ (values >> np.uint64(29))


@dataclass(frozen=True, slots=True)
class Counts:
    """Raw hashed counts of one text: word and character n-gram buckets (unique, with counts), lexicon."""

    word_keys: npt.NDArray[np.int64]
    word_counts: npt.NDArray[np.int64]
    char_keys: npt.NDArray[np.int64]
    char_counts: npt.NDArray[np.int64]
    lexicon: list[float]


def _unique(keys: list[npt.NDArray[np.uint64]], mask: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    buckets = (np.concatenate(keys) & np.uint64(mask)).astype(np.int64)
    unique, counts = np.unique(buckets, return_counts=True)
    return unique, counts.astype(np.int64)


Hashes = npt.NDArray[np.uint64]


class TextCounts:
    """One text's intermediate hashes, shared by every model that reads the text the same way.

    Models whose specs agree on the characters they read (``max_chars``, ``social``, ``stem``, case) reuse the
    tokens, the word and character n-gram hashes computed for the first of them, so a pipeline running four
    models over one article tokenises and hashes each distinct reading once. :meth:`counts` is exactly
    :func:`count_features` (which is implemented with it).
    """

    __slots__ = ("_chars", "_hashes", "_tokens", "text")

    def __init__(self, text: str) -> None:
        """Prepare the memo for ``text`` (nothing is computed until a spec asks)."""
        self.text = text
        self._tokens: dict[tuple[int, bool, str], tuple[str, list[str], list[str]]] = {}
        self._hashes: dict[tuple[int, bool, str], tuple[list[Hashes], list[Hashes]]] = {}
        self._chars: dict[tuple[int, bool, bool], tuple[list[Hashes], dict[int, Hashes]]] = {}

    def _read(self, spec: FeatureSpec) -> tuple[str, list[str], list[str]]:
        """Return ``(text as read, words, cues)`` for the spec's reading of the text."""
        key = (spec.max_chars, spec.social, spec.stem)
        found = self._tokens.get(key)
        if found is None:
            text = self.text[: spec.max_chars] if spec.max_chars else self.text
            cues: list[str] = []
            if spec.social:
                text = social_prepare(text)
                words, cues = social_tokens(text, prepared=True)
            else:
                words = word_tokens(text)
            if spec.stem:
                stem = stemmer(spec.stem)
                words = [stem(word) for word in words]
            found = self._tokens[key] = (text, words, cues)
        return found

    def _word_ngrams(self, spec: FeatureSpec, words: list[str]) -> list[npt.NDArray[np.uint64]]:
        """Return the mixed hashes of word 1…``spec.word_ngrams``-grams, extending the memo as needed."""
        key = (spec.max_chars, spec.social, spec.stem)
        memo = self._hashes.get(key)
        if memo is None:
            hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
            memo = self._hashes[key] = ([hashes], [_mix(hashes)])  # polynomial of n words at [n - 1]; mixed
        polynomials, mixed = memo
        hashes = polynomials[0]
        while len(mixed) < spec.word_ngrams:
            n = len(mixed) + 1
            if len(words) < n:
                break
            polynomials.append(polynomials[-1][:-1] * _MULTIPLIER + hashes[n - 1 :])
            mixed.append(_mix(polynomials[-1] + np.uint64(n)))
        return mixed[: spec.word_ngrams]

    def _char_ngrams(self, spec: FeatureSpec, text: str) -> list[npt.NDArray[np.uint64]]:
        """Return the mixed hashes of character n-grams, ``char_min``…``char_max``, extending the memo."""
        key = (spec.max_chars, spec.social, spec.lowercase_chars)
        memo = self._chars.get(key)
        if memo is None:
            chars = " " + " ".join(text.lower().split() if spec.lowercase_chars else text.split()) + " "
            codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            memo = self._chars[key] = ([codes], {})  # rolling polynomial of n characters at [n - 1]; mixed by n
        rolling, mixed = memo
        codes = rolling[0]
        while len(rolling) < spec.char_max:
            n = len(rolling) + 1
            if len(codes) < n:
                break
            rolling.append(rolling[-1][: len(codes) - n + 1] * _MULTIPLIER + codes[n - 1 :])
        result: list[npt.NDArray[np.uint64]] = []
        for n in range(max(spec.char_min, 1), min(spec.char_max, len(rolling)) + 1):
            part = mixed.get(n)
            if part is None:
                part = mixed[n] = _mix(rolling[n - 1] + np.uint64((n * int(_SALT)) % (1 << 64)))
            result.append(part)
        return result

    def counts(self, spec: FeatureSpec) -> Counts:
        """Return the raw hashed counts of the text under ``spec`` (see :func:`count_features`)."""
        mask = spec.n_features - 1
        text, words, cues = self._read(spec)
        word_parts: list[npt.NDArray[np.uint64]] = []
        if cues:
            cue_hashes = np.fromiter((zlib.crc32(c.encode("utf-8")) for c in cues), dtype=np.uint64, count=len(cues))
            word_parts.append(_mix(cue_hashes))
        if words:
            word_parts.extend(self._word_ngrams(spec, words))
        char_parts = self._char_ngrams(spec, text) if spec.char_max and words else []
        word_keys, word_counts = _unique(word_parts, mask)
        char_keys, char_counts = _unique(char_parts, mask)
        lexicon = lexicon_features(words, spec.lexicon) if spec.lexicon else []
        return Counts(word_keys, word_counts, char_keys, char_counts, lexicon)


def count_features(text: str, spec: FeatureSpec) -> Counts:
    """Return the raw hashed counts of ``text`` under ``spec`` (before weighting and normalisation).

    Words hash with crc32 of their UTF-8; a word n-gram combines its words' hashes, and a character n-gram
    its code points, by a polynomial over uint64 followed by a 64-bit finaliser (vectorised in numpy).
    """
    return TextCounts(text).counts(spec)


def _block(
    keys: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], idf: IdfLookup | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    values = (1.0 + np.log(counts.astype(np.float32))).astype(np.float32)
    if idf is not None and len(keys):
        values = values * idf(keys)
    norm = float(np.sqrt(np.dot(values, values)))
    return keys, (values / norm if norm else values).astype(np.float32)


def weigh(
    counts: Counts, spec: FeatureSpec, idf: IdfLookup | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return ``(buckets, weights)`` for counted text.

    Sublinear tf (times idf when given), each block L2-normalised, plus the lexicon features at buckets
    ``spec.n_features …``; a bucket shared by a word and a character n-gram appears twice (weights add).
    """
    word_keys, word_values = _block(counts.word_keys, counts.word_counts, idf)
    char_keys, char_values = _block(counts.char_keys, counts.char_counts, idf)
    lexicon_keys = np.arange(spec.n_features, spec.n_features + len(counts.lexicon), dtype=np.int64)
    keys = np.concatenate([word_keys, char_keys, lexicon_keys])
    values = np.concatenate([word_values, char_values, np.asarray(counts.lexicon, dtype=np.float32)])
    return keys, values


def featurise(text: str, spec: FeatureSpec, idf: IdfLookup | None = None) -> dict[int, float]:
    """Return ``{bucket: weight}`` for ``text`` (see :func:`weigh`); ``spec.n_features`` is a power of two."""
    result: dict[int, float] = {}
    keys, values = weigh(count_features(text, spec), spec, idf)
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        if value:
            result[key] = result.get(key, 0.0) + value
    return result
