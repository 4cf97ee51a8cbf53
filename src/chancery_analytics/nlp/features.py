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
from chancery_analytics.nlp.tokenise import TokenSlices, name_lines

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
    mixed = values >> np.uint64(31)
    mixed ^= values
    mixed *= _SALT
    mixed ^= mixed >> np.uint64(29)
    return mixed


@dataclass(frozen=True, slots=True)
class Counts:
    """Raw hashed counts of one text: word and character n-gram buckets (unique, with counts), lexicon."""

    word_keys: npt.NDArray[np.int64]
    word_counts: npt.NDArray[np.int64]
    char_keys: npt.NDArray[np.int64]
    char_counts: npt.NDArray[np.int64]
    lexicon: list[float]


def _unique(keys: list[npt.NDArray[np.uint64]], mask: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the sorted distinct buckets of ``keys & mask`` and how often each occurs (as ``np.unique``).

    Buckets that fit in 32 bits are sorted as int32 (about twice as fast as int64); runs of equal buckets are
    found with one comparison of neighbours, without ``np.unique``'s general-purpose overhead.
    """
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    masked = (np.concatenate(keys) if len(keys) > 1 else keys[0]) & np.uint64(mask)
    buckets = np.sort(masked.astype(np.int32 if mask < 1 << 31 else np.int64))
    edges = np.empty(len(buckets) + 1, dtype=np.bool_)
    edges[0] = edges[-1] = True
    np.not_equal(buckets[1:], buckets[:-1], out=edges[1:-1])
    starts = edges.nonzero()[0]
    return buckets[starts[:-1]].astype(np.int64), (starts[1:] - starts[:-1]).astype(np.int64, copy=False)


def _crc32(items: list[str]) -> npt.NDArray[np.uint64]:
    """Return the crc32 of each item's UTF-8 encoding, as uint64."""
    return np.fromiter(map(zlib.crc32, map(str.encode, items)), dtype=np.uint64, count=len(items))


Hashes = npt.NDArray[np.uint64]
Buckets = npt.NDArray[np.int64]


class TextCounts:
    """One text's intermediate hashes, shared by every model that reads the text the same way.

    Models whose specs agree on the characters they read (``max_chars``, ``social``, ``stem``, case) reuse the
    tokens, the word and character n-gram hashes computed for the first of them, so a pipeline running four
    models over one article tokenises and hashes each distinct reading once. :meth:`counts` is exactly
    :func:`count_features` (which is implemented with it). The text's word tokens (:meth:`words`, any slice)
    and name tokens by line (:meth:`name_lines`) are kept for the lexicon and gazetteer taggers too.
    """

    __slots__ = ("_char_blocks", "_chars", "_hashes", "_lines", "_slices", "_tokens", "text")

    def __init__(self, text: str) -> None:
        """Prepare the memo for ``text`` (nothing is computed until a spec asks)."""
        self.text = text
        self._tokens: dict[tuple[int, bool, str], tuple[str, list[str], list[str]]] = {}
        self._hashes: dict[tuple[int, bool, str], tuple[list[Hashes], list[Hashes]]] = {}
        # Character n-grams depend only on the characters read, so they are keyed by that text itself: readings
        # that differ in name but not in content (social preparation that changed nothing) share them.
        self._chars: dict[tuple[str, bool], tuple[list[Hashes], dict[int, Hashes]]] = {}
        self._char_blocks: dict[tuple[str, bool, int, int, int], tuple[Buckets, Buckets]] = {}
        self._slices = TokenSlices(text)
        self._lines: list[tuple[str, ...]] | None = None

    def words(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Return ``word_tokens(text[start:stop])``, reusing what earlier slices of the text tokenised."""
        return self._slices.tokens(start, stop)

    def name_lines(self) -> list[tuple[str, ...]]:
        """Return :func:`~chancery_analytics.nlp.tokenise.name_lines` of the text, computed once (the gazetteers')."""
        if self._lines is None:
            self._lines = name_lines(self.text)
        return self._lines

    def read_words(self, spec: FeatureSpec) -> list[str]:
        """Return the words a model with ``spec`` reads (social preparation and stemming applied)."""
        return self._read(spec)[1]

    def word_hashes(self, spec: FeatureSpec) -> Hashes:
        """Return the crc32 of each of :meth:`read_words` (how a word table keys its words)."""
        self._word_ngrams(spec, self._read(spec)[1])
        return self._hashes[(spec.max_chars, spec.social, spec.stem)][0][0]

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
                words = self.words(0, spec.max_chars or None)
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
            hashes = _crc32(words)
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
        key = (text, spec.lowercase_chars)
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

    def _char_block(self, spec: FeatureSpec, text: str) -> tuple[Buckets, Buckets]:
        """Return the character n-gram buckets and counts of ``text`` (as read) under ``spec``, computed once."""
        key = (text, spec.lowercase_chars, spec.n_features, spec.char_min, spec.char_max)
        found = self._char_blocks.get(key)
        if found is None:
            found = self._char_blocks[key] = _unique(self._char_ngrams(spec, text), spec.n_features - 1)
        return found

    def counts(self, spec: FeatureSpec) -> Counts:
        """Return the raw hashed counts of the text under ``spec`` (see :func:`count_features`)."""
        mask = spec.n_features - 1
        text, words, cues = self._read(spec)
        word_parts: list[npt.NDArray[np.uint64]] = []
        if cues:
            word_parts.append(_mix(_crc32(cues)))
        if words:
            word_parts.extend(self._word_ngrams(spec, words))
        word_keys, word_counts = _unique(word_parts, mask)
        char_keys, char_counts = self._char_block(spec, text) if spec.char_max and words else _unique([], mask)
        lexicon = lexicon_features(words, spec.lexicon) if spec.lexicon else []
        return Counts(word_keys, word_counts, char_keys, char_counts, lexicon)


def count_features(text: str, spec: FeatureSpec) -> Counts:
    """Return the raw hashed counts of ``text`` under ``spec`` (before weighting and normalisation).

    Words hash with crc32 of their UTF-8; a word n-gram combines its words' hashes, and a character n-gram
    its code points, by a polynomial over uint64 followed by a 64-bit finaliser (vectorised in numpy).
    """
    return TextCounts(text).counts(spec)


def block_weights(counts: npt.NDArray[np.int64], idf: npt.NDArray[np.float32] | None = None) -> npt.NDArray[np.float32]:
    """Return one block's weights: sublinear tf of ``counts`` (times ``idf``, aligned, when given), L2-normalised."""
    values = (1.0 + np.log(counts.astype(np.float32))).astype(np.float32, copy=False)
    if idf is not None and len(counts):
        values = values * idf
    norm = float(np.sqrt(np.dot(values, values)))
    return (values / norm if norm else values).astype(np.float32, copy=False)


def _block(
    keys: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], idf: IdfLookup | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    return keys, block_weights(counts, idf(keys) if idf is not None and len(keys) else None)


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
