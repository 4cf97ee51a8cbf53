"""A per-word table of class weights, pooled over a text's words: how a linear model uses word vectors cheaply.

A model trained on pooled word vectors (``pool(v_w for w in words) · W``) is linear in each word's vector, so
its weights fold into one row of class weights per word, ``t_w = v_w · W``; at inference the text's rows are
pooled the same way. Only the table ships, never the vectors. Words are keyed by the crc32 of their UTF-8, the
same hash the word n-gram features start from (:class:`chancery_analytics.nlp.features.TextCounts`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

POOLINGS = ("mean", "sqrt")
"""``mean``: the average of the known words' rows; ``sqrt``: their sum over the square root of their count."""


def word_keys(words: Iterable[str]) -> npt.NDArray[np.int64]:
    """Return the crc32 key of each word (as :class:`WordTable` looks words up)."""
    return np.fromiter((zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.int64)


@dataclass(frozen=True)
class WordTable:
    """Sorted word keys and one row of class weights per key, pooled by ``pooling``."""

    keys: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float32]
    pooling: str = "mean"

    def __post_init__(self) -> None:
        if self.pooling not in POOLINGS:
            raise ValueError(f"unknown pooling {self.pooling!r}: use one of {', '.join(POOLINGS)}")
        if len(self.keys) != len(self.weights) or np.any(np.diff(self.keys) <= 0):
            raise ValueError("word table keys must be unique, sorted and aligned with the weights")

    @classmethod
    def from_words(cls, words: Iterable[str], weights: npt.NDArray[np.float32], pooling: str) -> WordTable:
        """Build the table of ``words`` (aligned with ``weights``); raises ValueError if two words share a key."""
        keys = word_keys(words)
        order = np.argsort(keys, kind="stable")
        if np.any(np.diff(keys[order]) == 0):
            raise ValueError("two words of the table share a crc32 key")
        return cls(keys[order], np.asarray(weights, dtype=np.float32)[order], pooling)

    def logits(self, hashes: npt.NDArray[np.uint64] | npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Return the pooled class weights of a text whose words have the crc32 ``hashes`` (zeros if none is known)."""
        width = self.weights.shape[1]
        if not len(hashes) or not len(self.keys):
            return np.zeros(width, dtype=np.float32)
        keys = np.asarray(hashes).astype(np.int64)
        positions = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found = positions[self.keys[positions] == keys]
        if not len(found):
            return np.zeros(width, dtype=np.float32)
        total = self.weights.take(found, axis=0).sum(axis=0)
        divisor = len(found) if self.pooling == "mean" else np.sqrt(len(found))
        result: npt.NDArray[np.float32] = (total / divisor).astype(np.float32)
        return result
