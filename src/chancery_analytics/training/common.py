"""Shared helpers for training: where the data is, reading JSONL, featurising a corpus into a sparse matrix."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from chancery_analytics.nlp.features import LEXICON_FEATURES, Counts, FeatureSpec, count_features, weigh

if TYPE_CHECKING:
    from chancery_analytics.training.vectors import PooledVectors


def data_dir(explicit: str | None = None) -> Path:
    """Return the development-data directory.

    ``explicit``, else ``$CHANCERY_SHARED_DATA``, else ``../shared/data`` next to the repository root
    (the directory holding ``pyproject.toml``).
    """
    if explicit:
        return Path(explicit)
    env = os.environ.get("CHANCERY_SHARED_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists():
            return parent.parent / "shared" / "data"
    return Path.cwd().parent / "shared" / "data"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return every JSON object of a JSONL file (the development files are trusted and well-formed)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


_COUNTS_MEMO: dict[tuple[FeatureSpec, str], Counts] = {}
_COUNTS_MEMO_LIMIT = 30_000


def counts_memo_clear() -> None:
    """Forget every memoised count (each task starts afresh, so memory holds one task's texts at most)."""
    _COUNTS_MEMO.clear()


def counts_memoised(text: str, spec: FeatureSpec) -> Counts:
    """Return :func:`count_features` of ``text``, memoised for training (cross-validation re-reads every text).

    Bounded: past the limit new texts are counted without being kept.
    """
    key = (spec, text)
    found = _COUNTS_MEMO.get(key)
    if found is None:
        found = count_features(text, spec)
        if len(_COUNTS_MEMO) < _COUNTS_MEMO_LIMIT:
            _COUNTS_MEMO[key] = found
    return found


class Featuriser:
    """Turns texts into a sparse matrix under ``spec``.

    With ``spec.idf`` the idf comes from :meth:`fit`'s texts only (so cross-validation never sees a test
    fold's document frequencies). With ``pooled`` word vectors their columns follow every other column.
    """

    def __init__(self, spec: FeatureSpec, pooled: PooledVectors | None = None) -> None:
        """Prepare a featuriser for ``spec`` (call :meth:`fit` before :meth:`transform` when it uses idf)."""
        self.spec = spec
        self.pooled = pooled
        self.idf_table: dict[int, float] = {}
        self.idf_default = 1.0

    def fit(self, texts: list[str]) -> Featuriser:
        """Count document frequencies over ``texts`` (smoothed idf, as scikit-learn's); return ``self``."""
        if self.spec.idf:
            frequencies: dict[int, int] = {}
            for text in texts:
                counts = counts_memoised(text, self.spec)
                for key in set(counts.word_keys.tolist()) | set(counts.char_keys.tolist()):
                    frequencies[key] = frequencies.get(key, 0) + 1
            n = len(texts)
            self.idf_table = {key: math.log((1 + n) / (1 + df)) + 1 for key, df in frequencies.items()}
            self.idf_default = math.log(1 + n) + 1
        return self

    def idf(self, keys: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Return the fitted idf of each bucket (the unseen-term idf for buckets never seen)."""
        table, default = self.idf_table, self.idf_default
        return np.fromiter((table.get(int(k), default) for k in keys), dtype=np.float32, count=len(keys))

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Return the CSR matrix of ``texts`` (one row each, ``n_features`` + lexicon columns)."""
        indptr = [0]
        indices: list[npt.NDArray[np.int64]] = []
        values: list[npt.NDArray[np.float32]] = []
        idf = self.idf if self.spec.idf else None
        for text in texts:
            keys, weights = weigh(counts_memoised(text, self.spec), self.spec, idf)
            indices.append(keys)
            values.append(weights)
            indptr.append(indptr[-1] + len(keys))
        result = sp.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0, dtype=np.float32),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.asarray(indptr),
            ),
            shape=(len(texts), self.spec.n_features + (LEXICON_FEATURES if self.spec.lexicon else 0)),
        )
        result.sum_duplicates()
        if self.pooled is not None:
            result = sp.hstack([result, sp.csr_matrix(self.pooled.columns(texts, self.spec))], format="csr")
        return result


def matrix(texts: list[str], spec: FeatureSpec) -> sp.csr_matrix:
    """Featurise ``texts`` with ``spec`` (idf fitted on the same texts when the spec uses it)."""
    return Featuriser(spec).fit(texts).transform(texts)
