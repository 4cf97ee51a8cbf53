"""Word vectors learned at training time from development text that is never scored.

PPMI-SVD (Levy, Goldberg and Dagan, TACL 2015): count each word's neighbours within a window, weigh the counts by
positive pointwise mutual information with context-distribution smoothing (exponent 0.75), and keep the top
singular vectors (each scaled by the square root of its singular value, then unit length). It is the count-based
counterpart of word2vec and needs nothing beyond numpy, scipy and scikit-learn. The vectors are a training-time
intermediate: a model folds what it learned from them into a per-word table (see :mod:`chancery_analytics.nlp.linear`),
so no vector file ships.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.utils.extmath import randomized_svd  # type: ignore[import-untyped]

from chancery_analytics.nlp.features import FeatureSpec, TextCounts
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.word_table import WordTable
from chancery_analytics.training.common import read_jsonl

# English development text that no English sentiment score is computed on: news (Reuters-21578, BBC, the CAMEO
# and directed-sentiment sentences) and the tweets of other tasks (TweetEval emotion and stance, UMSAB's
# romanised Hindi, which mixes in English). The scored tweets (UMSAB English, TweetEval sentiment) stay out, so a
# cross-validation fold never learns from its own test texts, labelled or not.
ENGLISH_SOURCES = (
    "reuters21578/train.jsonl",
    "conflibert-bbc-politics/train.jsonl",
    "conflibert-bbc-politics/dev.jsonl",
    "conflibert-cameo-pentaclass/train.jsonl",
    "directed-sentiment-news/train.jsonl",
    "directed-sentiment-news/valid.jsonl",
    "tweeteval/emotion_train.jsonl",
    "tweeteval/emotion_val.jsonl",
    "tweeteval/stance_train.jsonl",
    "tweeteval/stance_val.jsonl",
    "umsab/train.jsonl#hi",
)


@dataclass(frozen=True)
class WordVectors:
    """Unit-length vectors (one row per word) and the words, in the same order."""

    words: tuple[str, ...]
    vectors: npt.NDArray[np.float32]

    @cached_property
    def index(self) -> dict[str, int]:
        """Word → row (built once per set of vectors)."""
        return {word: i for i, word in enumerate(self.words)}


# Vietnamese development text for Vietnamese models: VNTC news, UIT-VSMEC Facebook comments and UIT-VSFC
# student feedback (train split; its dev split is the scored one).
VIETNAMESE_SOURCES = (
    "vntc/train_sample.jsonl",
    "uit-vsmec/train.jsonl",
    "uit-vsmec/valid.jsonl",
    "uit-vsfc/train.jsonl",
)


def source_texts(data: Path, sources: tuple[str, ...]) -> list[str]:
    """Return the texts of ``sources`` under ``data`` (``path#lang`` keeps the rows of one language), normalised.

    The directed-sentiment sentences mark their two entities with square brackets, which are removed.
    """
    texts: list[str] = []
    for source in sources:
        relative, _, lang = source.partition("#")
        texts.extend(
            normalise_text(str(row["text"]).replace("[", "").replace("]", ""))
            for row in read_jsonl(data / relative)
            if not lang or row.get("lang") == lang
        )
    return texts


def words_of(text: str, spec: FeatureSpec) -> list[str]:
    """Return the words of ``text`` as the model with ``spec`` reads them (the vectors' vocabulary is of these)."""
    return TextCounts(text).read_words(spec)


def word_vectors_train(
    texts: Iterable[str], spec: FeatureSpec, *, dims: int = 150, min_count: int = 3, window: int = 5
) -> WordVectors:
    """Learn PPMI-SVD vectors over the words (read under ``spec``) of ``texts``.

    Words seen fewer than ``min_count`` times are left out; neighbours count within ``window`` words either side.
    Deterministic: the randomized SVD has a fixed seed.
    """
    documents = [words_of(text, spec) for text in texts]
    frequencies = Counter(word for words in documents for word in words)
    vocabulary = sorted(word for word, count in frequencies.items() if count >= min_count)
    index = {word: i for i, word in enumerate(vocabulary)}
    rows: list[npt.NDArray[np.int64]] = []
    columns: list[npt.NDArray[np.int64]] = []
    for words in documents:
        ids = np.array([index.get(word, -1) for word in words], dtype=np.int64)
        for offset in range(1, window + 1):
            left, right = ids[:-offset], ids[offset:]
            both = (left >= 0) & (right >= 0)
            rows += [left[both], right[both]]
            columns += [right[both], left[both]]
    pairs = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    contexts = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    size = len(vocabulary)
    cooccurrence = sp.coo_matrix((np.ones(len(pairs)), (pairs, contexts)), shape=(size, size)).tocsr().tocoo()
    total = cooccurrence.data.sum()
    word_mass = np.asarray(cooccurrence.sum(axis=1)).ravel() / total
    context_mass = np.asarray(cooccurrence.sum(axis=0)).ravel() ** 0.75
    context_mass /= context_mass.sum()
    pmi = np.log(cooccurrence.data / total / word_mass[cooccurrence.row] / context_mass[cooccurrence.col])
    positive = pmi > 0
    ppmi = sp.csr_matrix((pmi[positive], (cooccurrence.row[positive], cooccurrence.col[positive])), shape=(size, size))
    left_vectors, singular, _ = randomized_svd(ppmi, dims, random_state=0)
    vectors = left_vectors * np.sqrt(singular)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    return WordVectors(tuple(vocabulary), vectors.astype(np.float32))


@dataclass(frozen=True)
class PooledVectors:
    """Word vectors as dense model features: each text's known words' vectors pooled, times ``scale``.

    Pooling is a :data:`~chancery_analytics.nlp.word_table.POOLINGS` name; both are linear in the vectors, so
    a fitted model folds into a :class:`~chancery_analytics.nlp.word_table.WordTable` (:meth:`fold`).
    """

    vectors: WordVectors
    scale: float = 1.0
    pooling: str = "mean"

    @property
    def width(self) -> int:
        """The number of dense columns (the vectors' dimension)."""
        return int(self.vectors.vectors.shape[1])

    def columns(self, texts: list[str], spec: FeatureSpec) -> npt.NDArray[np.float32]:
        """Return one row per text: its known words' vectors (words read under ``spec``) pooled and scaled, or zeros."""
        index = self.vectors.index
        result = np.zeros((len(texts), self.width), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [found for word in words_of(text, spec) if (found := index.get(word)) is not None]
            if ids:
                total = self.vectors.vectors[ids].sum(axis=0)
                result[row] = total * self.scale / (len(ids) if self.pooling == "mean" else np.sqrt(len(ids)))
        return result

    def fold(self, coef: npt.NDArray[np.float64]) -> WordTable:
        """Return the word table equal to ``coef`` (classes by :attr:`width`) applied to the pooled, scaled vectors."""
        weights = (self.vectors.vectors.astype(np.float64) @ coef.T * self.scale).astype(np.float32)
        return WordTable.from_words(self.vectors.words, weights, self.pooling)


@dataclass(frozen=True)
class VectorRecipe:
    """How a task learns and pools its word vectors (see :func:`word_vectors_train` and :class:`PooledVectors`)."""

    dims: int = 150
    min_count: int = 3
    window: int = 5
    scale: float = 1.0
    pooling: str = "mean"
    sources: tuple[str, ...] = ENGLISH_SOURCES

    def build(self, data: Path, spec: FeatureSpec, *, exclude: set[str]) -> PooledVectors:
        """Learn the vectors from ``sources`` under ``data``, leaving out texts whose key is in ``exclude``.

        A text's key is its case-folded, whitespace-collapsed form (as the tasks de-duplicate), so the scored
        texts of a cross-validation never shape the vectors. Words are read under ``spec`` without its length cap.
        """
        texts = [text for text in source_texts(data, self.sources) if " ".join(text.lower().split()) not in exclude]
        vectors = word_vectors_train(
            texts, replace(spec, max_chars=0), dims=self.dims, min_count=self.min_count, window=self.window
        )
        return PooledVectors(vectors, self.scale, self.pooling)

    def to_json(self) -> dict[str, object]:
        """Return the recipe as JSON (recorded in the model's description)."""
        return {
            "method": "PPMI-SVD",
            "dims": self.dims,
            "min_count": self.min_count,
            "window": self.window,
            "scale": self.scale,
            "pooling": self.pooling,
            "sources": list(self.sources),
        }
