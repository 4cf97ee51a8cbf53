"""Linear classifiers over hashed features, stored as ``.npz`` (no pickle) plus a JSON description."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chancery_analytics.nlp.features import LEXICON_FEATURES, MODELS_DIR, FeatureSpec, TextCounts, weigh

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

    @property
    def model_id(self) -> str:
        """Return ``name@version``, recorded with every result the model produces."""
        return f"{self.name}@{self.version}"

    def idf_of(self, keys: npt.NDArray[np.int64]) -> FloatArray:
        """Return the inverse document frequency of each bucket in ``keys``."""
        positions, hit = self._locate(keys)
        result = np.full(len(keys), self.idf_default, dtype=np.float32)
        if self.idf is not None:
            result[hit] = self.idf[positions[hit]]
        return result

    @cached_property
    def _row_of(self) -> npt.NDArray[np.int32]:
        """Dense bucket → row table (-1: no weight), one gather per lookup instead of a binary search."""
        size = max(self.spec.n_features + LEXICON_FEATURES, int(self.rows.max()) + 1 if len(self.rows) else 0)
        table = np.full(size, -1, dtype=np.int32)
        table[self.rows] = np.arange(len(self.rows), dtype=np.int32)
        return table

    def _locate(self, keys: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        found = self._row_of[keys]
        hit = found >= 0
        return np.where(hit, found, 0).astype(np.intp), hit

    def logits(self, keys: npt.NDArray[np.int64], values: FloatArray) -> FloatArray:
        """Return the class logits for one document's weighted buckets."""
        positions, hit = self._locate(keys)
        result: FloatArray = values[hit] @ self.weights[positions[hit]] + self.bias
        return result

    def _logits_of(self, text: str, shared: TextCounts | None = None) -> FloatArray:
        """Return the class logits of ``text``, locating each bucket among ``rows`` once (not once per use).

        ``shared`` (the same text's :class:`TextCounts`) lets models that read the text alike hash it once.
        """
        counts = (shared if shared is not None and shared.text == text else TextCounts(text)).counts(self.spec)
        word = self._locate(counts.word_keys)
        char = self._locate(counts.char_keys)
        idf: Callable[[npt.NDArray[np.int64]], FloatArray] | None = None
        if self.spec.idf:
            word_idf, char_idf = (
                self._idf_located(len(counts.word_keys), *word),
                self._idf_located(len(counts.char_keys), *char),
            )

            def idf(keys: npt.NDArray[np.int64]) -> FloatArray:
                # weigh() asks for the idf of exactly these two arrays (the word block, then the char block).
                return word_idf if keys is counts.word_keys else char_idf

        keys, values = weigh(counts, self.spec, idf)
        lexicon = self._locate(keys[len(counts.word_keys) + len(counts.char_keys) :])
        positions = np.concatenate([word[0], char[0], lexicon[0]])
        hit = np.concatenate([word[1], char[1], lexicon[1]])
        result: FloatArray = values[hit] @ self.weights[positions[hit]] + self.bias
        return result

    def _idf_located(self, count: int, positions: npt.NDArray[np.intp], hit: npt.NDArray[np.bool_]) -> FloatArray:
        result = np.full(count, self.idf_default, dtype=np.float32)
        if self.idf is not None:
            result[hit] = self.idf[positions[hit]]
        return result

    def predict(self, text: str, shared: TextCounts | None = None) -> Prediction:
        """Featurise ``text`` with the model's own spec (and idf) and classify it.

        ``shared``: optional :class:`TextCounts` of the same text, reused across models (same result).
        """
        logits = self._logits_of(text, shared).astype(np.float64)
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        best = int(probabilities.argmax())
        return Prediction(
            label=self.labels[best],
            score=round(float(probabilities[best]), 4),
            scores={label: float(p) for label, p in zip(self.labels, probabilities, strict=True)},
        )

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
        np.savez_compressed(arrays, allow_pickle=False, **columns)
        description = directory / f"{self.name}.json"
        payload = {
            "name": self.name,
            "version": self.version,
            "labels": list(self.labels),
            "features": self.spec.to_json(),
            "idf_default": self.idf_default,
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
    reserved = {"name", "version", "labels", "features", "idf_default"}
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
) -> LinearModel:
    """Build a :class:`LinearModel` from a fitted sklearn linear classifier's ``coef_``/``intercept_``.

    A binary classifier (one row of ``coef``) becomes two classes with logits ``0`` and ``x · w + b``.
    Buckets whose largest absolute weight is at most ``prune_below`` are dropped.
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
    )
