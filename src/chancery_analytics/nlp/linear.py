"""Linear classifiers over hashed features, stored as ``.npz`` (no pickle) plus a JSON description."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.nlp.features import LEXICON_FEATURES, MODELS_DIR, FeatureSpec, TextCounts, block_weights
from chancery_analytics.nlp.word_table import WordTable

__all__ = ["MODELS_DIR", "LinearModel", "Prediction", "model_from_sklearn", "model_load"]

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Prediction:
    """One classification: the label, its probability-like score, and every class's score."""

    label: str
    score: float
    scores: dict[str, float]


@dataclass(frozen=True)
class LinearModel:
    """A multi-class linear model: ``softmax(x · W + b)`` over the hashed features of ``spec``.

    ``rows`` holds the sorted hash buckets that carry a weight; ``weights[i]`` is the class-weight row of
    ``rows[i]``. Buckets not in ``rows`` weigh nothing.
    """

    name: str
    version: str
    labels: tuple[str, ...]
    spec: FeatureSpec
    rows: npt.NDArray[np.int64]
    weights: FloatArray
    bias: FloatArray
    meta: dict[str, Any]
    idf: FloatArray | None = None  # aligned with ``rows``; buckets not in ``rows`` get ``idf_default``
    idf_default: float = 1.0
    word_table: WordTable | None = None  # pooled per-word class weights, added to the logits (nlp.word_table)

    @property
    def model_id(self) -> str:
        """Return ``name@version``, recorded with every result the model produces."""
        return f"{self.name}@{self.version}"

    def idf_of(self, keys: npt.NDArray[np.int64]) -> FloatArray:
        """Return the inverse document frequency of each bucket in ``keys``."""
        result: FloatArray = self._idf_by_row.take(self._row_of.take(keys))
        return result

    @cached_property
    def _row_of(self) -> npt.NDArray[np.int32]:
        """Dense bucket → row table (``len(rows)``: no weight), one gather per lookup instead of a binary search."""
        size = max(self.spec.n_features + LEXICON_FEATURES, int(self.rows.max()) + 1 if len(self.rows) else 0)
        table = np.full(size, len(self.rows), dtype=np.int32)
        table[self.rows] = np.arange(len(self.rows), dtype=np.int32)
        return table

    @cached_property
    def _idf_by_row(self) -> FloatArray:
        """The idf of each row, then ``idf_default`` for the buckets without a row (indexed by :attr:`_row_of`)."""
        known = self.idf if self.idf is not None else np.zeros(0, dtype=np.float32)
        table = np.full(len(self.rows) + 1, self.idf_default, dtype=np.float32)
        table[: len(known)] = known
        return table

    def _locate(self, keys: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        found = self._row_of.take(keys)
        hit = found < len(self.rows)
        return np.where(hit, found, 0).astype(np.intp), hit

    def logits(self, keys: npt.NDArray[np.int64], values: FloatArray) -> FloatArray:
        """Return the class logits for one document's weighted buckets."""
        positions, hit = self._locate(keys)
        result: FloatArray = values[hit] @ self.weights.take(positions[hit], axis=0) + self.bias
        return result

    def _logits_of(self, text: str, shared: TextCounts | None = None) -> FloatArray:
        """Return the class logits of ``text``: :func:`weigh` of its counts, then :meth:`logits`, in fewer steps.

        Word and character buckets are located among ``rows`` in one gather whose result also indexes the idf;
        ``shared`` (the same text's :class:`TextCounts`) lets models that read the text alike hash it once.
        """
        reader = shared if shared is not None and shared.text == text else TextCounts(text)
        counts = reader.counts(self.spec)
        words = len(counts.word_keys)
        found = self._row_of.take(np.concatenate([counts.word_keys, counts.char_keys]))
        idf = self._idf_by_row.take(found) if self.spec.idf else None
        values = np.concatenate(
            [
                block_weights(counts.word_counts, None if idf is None else idf[:words]),
                block_weights(counts.char_counts, None if idf is None else idf[words:]),
                np.asarray(counts.lexicon, dtype=np.float32),
            ]
        )
        if counts.lexicon:
            found = np.concatenate([found, self._lexicon_rows[: len(counts.lexicon)]])
        hit = found < len(self.rows)
        result: FloatArray = values[hit] @ self.weights.take(found[hit], axis=0) + self.bias
        if self.word_table is not None:
            result = result + self.word_table.logits(reader.word_hashes(self.spec))
        return result

    @cached_property
    def _lexicon_rows(self) -> npt.NDArray[np.int32]:
        """The rows (or ``len(rows)``) of the dense lexicon features, buckets ``spec.n_features …``."""
        start = self.spec.n_features
        return self._row_of[start : start + LEXICON_FEATURES]

    def predict(self, text: str, shared: TextCounts | None = None) -> Prediction:
        """Featurise ``text`` with the model's own spec (and idf) and classify it.

        ``shared``: optional :class:`TextCounts` of the same text, reused across models (same result).
        """
        logits = self._logits_of(text, shared).astype(np.float64)
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        best = int(probabilities.argmax())
        scores: list[float] = probabilities.tolist()  # Python floats, each equal to its float64
        return Prediction(
            label=self.labels[best],
            score=round(scores[best], 4),
            scores=dict(zip(self.labels, scores, strict=True)),
        )

    def predict_batch(self, texts: Sequence[str], shared: Sequence[TextCounts] | None = None) -> list[Prediction]:
        """Classify each of ``texts`` as :meth:`predict` does; ``shared``: their :class:`TextCounts`, aligned."""
        counts: Sequence[TextCounts | None] = shared if shared is not None else [None] * len(texts)
        return [self.predict(text, text_counts) for text, text_counts in zip(texts, counts, strict=True)]

    def save(self, directory: Path) -> tuple[Path, Path]:
        """Write ``<name>.npz`` and ``<name>.json`` into ``directory``; return both paths."""
        directory.mkdir(parents=True, exist_ok=True)
        arrays = directory / f"{self.name}.npz"
        columns: dict[str, npt.NDArray[Any]] = {
            "rows": self.rows.astype(np.int32),
            "weights": self.weights.astype(np.float16),
            "bias": self.bias,
        }
        if self.idf is not None:
            columns["idf"] = self.idf.astype(np.float16)
        if self.word_table is not None:
            columns["word_keys"] = self.word_table.keys
            columns["word_weights"] = self.word_table.weights.astype(np.float16)
        np.savez_compressed(arrays, allow_pickle=False, **columns)
        description = directory / f"{self.name}.json"
        payload = {
            "name": self.name,
            "version": self.version,
            "labels": list(self.labels),
            "features": self.spec.to_json(),
            "idf_default": self.idf_default,
            **({"word_pooling": self.word_table.pooling} if self.word_table is not None else {}),
            **self.meta,
        }
        description.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return arrays, description


def model_load(name: str, *, directory: Path | None = None) -> LinearModel:
    """Load the model ``name`` from ``directory`` (default: the committed artefacts) with pickles refused."""
    directory = directory or MODELS_DIR
    description = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
        rows = arrays["rows"].astype(np.int64)
        weights = arrays["weights"].astype(np.float32)
        bias = arrays["bias"].astype(np.float32)
        idf = arrays["idf"].astype(np.float32) if "idf" in arrays.files else None
        word_table = None
        if "word_keys" in arrays.files:
            word_table = WordTable(
                arrays["word_keys"].astype(np.int64),
                arrays["word_weights"].astype(np.float32),
                str(description.get("word_pooling", "mean")),
            )
    reserved = {"name", "version", "labels", "features", "idf_default", "word_pooling"}
    meta = {k: v for k, v in description.items() if k not in reserved}
    return LinearModel(
        name=description["name"],
        version=description["version"],
        labels=tuple(description["labels"]),
        spec=FeatureSpec.from_json(description["features"]),
        rows=rows,
        weights=weights,
        bias=bias,
        meta=meta,
        idf=idf,
        idf_default=float(description.get("idf_default", 1.0)),
        word_table=word_table,
    )


def model_from_sklearn(
    *,
    name: str,
    version: str,
    spec: FeatureSpec,
    classes: list[str],
    coef: npt.NDArray[Any],
    intercept: npt.NDArray[Any],
    meta: dict[str, Any],
    prune_below: float = 0.0,
    idf: Callable[[npt.NDArray[np.int64]], FloatArray] | None = None,
    idf_default: float = 1.0,
    word_table: WordTable | None = None,
) -> LinearModel:
    """Build a :class:`LinearModel` from a fitted sklearn linear classifier's ``coef_``/``intercept_``.

    A binary classifier (one row of ``coef``) becomes two classes with logits ``0`` and ``x · w + b``.
    Buckets whose largest absolute weight is at most ``prune_below`` are dropped; ``word_table`` is kept as given.
    """
    coef = np.asarray(coef, dtype=np.float32)
    intercept = np.asarray(intercept, dtype=np.float32)
    if coef.shape[0] == 1:
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, float(intercept[0])], dtype=np.float32)
    weights = coef.T  # buckets by classes
    keep = np.flatnonzero(np.abs(weights).max(axis=1) > prune_below)
    rows = keep.astype(np.int64)
    return LinearModel(
        name=name,
        version=version,
        labels=tuple(classes),
        spec=spec,
        rows=rows,
        weights=np.ascontiguousarray(weights[keep]),
        bias=intercept,
        meta=meta,
        idf=None if idf is None else idf(rows).astype(np.float32),
        idf_default=idf_default,
        word_table=word_table,
    )
