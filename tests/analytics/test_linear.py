import numpy as np
from sklearn.linear_model import LogisticRegression

from chancery_analytics.nlp.features import FeatureSpec, featurise
from chancery_analytics.nlp.linear import model_from_sklearn, model_load
from chancery_analytics.training.common import Featuriser, matrix

TEXTS = ["good great fine", "bad awful poor", "great good", "poor bad", "okay meh", "meh okay fine"]
LABELS = ["pos", "neg", "pos", "neg", "mid", "mid"]


def fit(spec, labels=LABELS):
    classifier = LogisticRegression(C=10).fit(matrix(TEXTS, spec), labels)
    return classifier, model_from_sklearn(
        name="tiny",
        version="t1",
        spec=spec,
        classes=list(classifier.classes_),
        coef=classifier.coef_,
        intercept=classifier.intercept_,
        meta={"task": "test"},
    )


def test_features_are_reproducible_and_l2_normalised():
    spec = FeatureSpec(n_features=1 << 20, word_ngrams=2, char_min=2, char_max=3)
    first = featurise("Hello world hello", spec)
    assert first == featurise("Hello world hello", spec)
    assert abs(sum(v * v for v in first.values()) - 2.0) < 1e-5  # word block and char block, each of norm 1
    words_only = featurise("Hello world hello", FeatureSpec(n_features=1 << 10, word_ngrams=2))
    assert abs(sum(v * v for v in words_only.values()) - 1.0) < 1e-5
    assert all(0 <= key < 1 << 20 for key in first)
    assert featurise("", spec) == {}


def test_multiclass_model_matches_sklearn_after_a_save_and_load(tmp_path):
    spec = FeatureSpec(n_features=1 << 12, word_ngrams=2)
    classifier, model = fit(spec)
    model.save(tmp_path)
    loaded = model_load("tiny", directory=tmp_path)
    assert loaded.model_id == "tiny@t1"
    expected = classifier.predict_proba(matrix(["good fine", "awful"], spec))
    for row, text in zip(expected, ["good fine", "awful"], strict=True):
        prediction = loaded.predict(text)
        assert prediction.label == classifier.classes_[row.argmax()]
        assert np.allclose([prediction.scores[c] for c in classifier.classes_], row, atol=2e-3)


def test_idf_model_matches_sklearn_after_a_save_and_load(tmp_path):
    spec = FeatureSpec(n_features=1 << 12, word_ngrams=1, char_min=2, char_max=3, idf=True)
    featuriser = Featuriser(spec).fit(TEXTS)
    classifier = LogisticRegression(C=10).fit(featuriser.transform(TEXTS), LABELS)
    model = model_from_sklearn(
        name="tiny",
        version="t1",
        spec=spec,
        classes=list(classifier.classes_),
        coef=classifier.coef_,
        intercept=classifier.intercept_,
        meta={},
        idf=featuriser.idf,
        idf_default=featuriser.idf_default,
    )
    model.save(tmp_path)
    loaded = model_load("tiny", directory=tmp_path)
    assert loaded.idf is not None
    for text in ["good fine", "awful poor", "unseen words"]:
        expected = classifier.predict_proba(featuriser.transform([text]))[0]
        got = loaded.predict(text)
        assert np.allclose([got.scores[c] for c in classifier.classes_], expected, atol=5e-3)


def test_binary_model_becomes_two_classes(tmp_path):
    spec = FeatureSpec(n_features=1 << 12, word_ngrams=1)
    labels = ["yes" if label == "pos" else "no" for label in LABELS]
    classifier, model = fit(spec, labels)
    assert model.labels == ("no", "yes")
    model.save(tmp_path)
    loaded = model_load("tiny", directory=tmp_path)
    assert loaded.predict("great good").label == "yes"
    assert loaded.predict("awful bad").label == "no"
    probability = classifier.predict_proba(matrix(["great good"], spec))[0][1]
    assert abs(loaded.predict("great good").scores["yes"] - probability) < 2e-3


def test_unknown_text_falls_back_to_the_bias():
    _, model = fit(FeatureSpec(n_features=1 << 12, word_ngrams=1))
    assert np.allclose(model.logits(np.array([], dtype=np.int64), np.array([], dtype=np.float32)), model.bias)
    assert model.predict("zzz qqq").label in {"pos", "neg", "mid"}
