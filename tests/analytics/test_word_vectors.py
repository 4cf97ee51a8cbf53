"""Word vectors (PPMI-SVD) as pooled dense features, folded into a per-word table that the artefact carries."""

from pathlib import Path

import numpy as np
import pytest

from chancery_analytics.nlp.features import FeatureSpec, TextCounts
from chancery_analytics.nlp.linear import model_from_sklearn, model_load
from chancery_analytics.nlp.word_table import WordTable, word_keys
from chancery_analytics.training.common import Featuriser
from chancery_analytics.training.nb import NBLogisticRegression
from chancery_analytics.training.vectors import PooledVectors, WordVectors, word_vectors_train

SPEC = FeatureSpec(n_features=1 << 12, word_ngrams=2, char_min=2, char_max=4, idf=True, social=True)

# Words that share neighbours ("great" and "wonderful" both sit next to "day" and "result") get close vectors.
UNLABELLED = [
    "a great day and a great result",
    "a wonderful day and a wonderful result",
    "a terrible day and a terrible loss",
    "an awful day and an awful loss",
    "the meeting is at noon in the hall",
    "the report is at noon in the hall",
] * 4
TEXTS = [
    "great day, love it",
    "so happy with the result",
    "terrible loss, i hate it",
    "awful, never again",
    "the meeting is at noon",
    "the report was published",
] * 3
LABELS = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3


def _vectors() -> WordVectors:
    return word_vectors_train(UNLABELLED, SPEC, dims=4, min_count=2, window=2)


def test_vectors_are_unit_length_and_words_with_the_same_neighbours_are_close() -> None:
    vectors = _vectors()
    assert vectors.vectors.shape == (len(vectors.words), 4)
    assert np.allclose(np.linalg.norm(vectors.vectors, axis=1), 1.0, atol=1e-5)
    index = vectors.index
    similarity = vectors.vectors @ vectors.vectors.T
    great, wonderful, noon = index["great"], index["wonderful"], index["noon"]
    assert similarity[great, wonderful] > similarity[great, noon]
    assert "a" in index
    assert "xylophone" not in index


def test_training_is_deterministic() -> None:
    first, second = _vectors(), _vectors()
    assert first.words == second.words
    assert np.array_equal(first.vectors, second.vectors)


@pytest.mark.parametrize("pooling", ["mean", "sqrt"])
def test_a_folded_table_gives_the_logits_of_the_model_trained_on_pooled_vectors(pooling: str, tmp_path: Path) -> None:
    pooled = PooledVectors(_vectors(), scale=2.0, pooling=pooling)
    featuriser = Featuriser(SPEC, pooled).fit(TEXTS)
    matrix = featuriser.transform(TEXTS)
    assert matrix.shape[1] == SPEC.n_features + pooled.width
    classifier = NBLogisticRegression(c=10.0, unscaled=pooled.width).fit(matrix, LABELS)
    width = pooled.width
    model = model_from_sklearn(
        name="folded",
        version="0",
        spec=SPEC,
        classes=[str(c) for c in classifier.classes_],
        coef=classifier.coef_[:, :-width],
        intercept=classifier.intercept_,
        meta={},
        idf=featuriser.idf,
        idf_default=featuriser.idf_default,
        word_table=pooled.fold(classifier.coef_[:, -width:]),
    )
    model.save(tmp_path)
    loaded = model_load("folded", directory=tmp_path)
    assert loaded.word_table is not None
    assert loaded.word_table.pooling == pooling
    probes = ["a wonderful result", "an awful loss today", "the hall at noon", "nothing known here"]
    expected = classifier.decision_function(featuriser.transform(probes))
    for probe, row in zip(probes, expected, strict=True):
        logits = loaded._logits_of(probe)
        assert np.allclose(logits, row, atol=2e-2), (probe, logits, row)
        assert loaded.predict(probe).label == classifier.classes_[int(np.argmax(row))]


def test_the_table_pools_known_words_only_and_is_zero_without_any() -> None:
    table = WordTable.from_words(["good", "bad"], np.array([[0.0, 2.0], [4.0, 0.0]], dtype=np.float32), "mean")
    counts = TextCounts("good good bad unknown")
    spec = FeatureSpec(social=True)
    assert np.allclose(table.logits(counts.word_hashes(spec)), [4.0 / 3, 4.0 / 3])
    assert np.allclose(table.logits(word_keys(["unknown"])), [0.0, 0.0])
    assert np.allclose(table.logits(word_keys([])), [0.0, 0.0])
    root = WordTable.from_words(["good"], np.array([[0.0, 3.0]], dtype=np.float32), "sqrt")
    assert np.allclose(root.logits(word_keys(["good"] * 4)), [0.0, 6.0])


def test_a_malformed_table_is_refused() -> None:
    with pytest.raises(ValueError, match="pooling"):
        WordTable(np.array([1], dtype=np.int64), np.ones((1, 2), dtype=np.float32), "max")
    with pytest.raises(ValueError, match="sorted"):
        WordTable(np.array([2, 1], dtype=np.int64), np.ones((2, 2), dtype=np.float32))
