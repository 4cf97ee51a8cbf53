"""One text hashed once for several models gives exactly the counts each model computes on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.nlp.features import FeatureSpec, TextCounts, count_features
from chancery_analytics.nlp.linear import model_load
from chancery_analytics.nlp.normalise import normalise_text

SPECS = [
    FeatureSpec(n_features=1 << 18, word_ngrams=1, char_min=1, char_max=3, max_chars=400),
    FeatureSpec(n_features=1 << 20, word_ngrams=3, char_min=1, char_max=5, max_chars=1000, idf=True),
    FeatureSpec(n_features=1 << 20, word_ngrams=2, char_min=2, char_max=5, max_chars=1000, idf=True),
    FeatureSpec(n_features=1 << 20, word_ngrams=2, char_min=2, char_max=5, max_chars=1000, social=True),
    FeatureSpec(n_features=1 << 20, word_ngrams=1),
    FeatureSpec(n_features=1 << 12, word_ngrams=4, char_min=0, char_max=2, lowercase_chars=False),
]
TEXTS = [
    "",
    "!",
    "Hà Nội và Tokyo ký kết hiệp định hợp tác.",
    "The ministers met in Geneva; talks were not productive :( #PeaceTalks @someone http://x.y",
    "a " * 700,
    "Nga, Anh: Rắc rối nảy sinh từ viên đá gián điệp " * 40,
]


def _same(a: object, b: object) -> bool:
    fields = ("word_keys", "word_counts", "char_keys", "char_counts")
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in fields) and a.lexicon == b.lexicon  # type: ignore[attr-defined]


def test_shared_counts_equal_separate_counts_in_any_order():
    for raw in TEXTS:
        text = normalise_text(raw)
        forward, backward = TextCounts(text), TextCounts(text)
        for spec in SPECS:
            assert _same(forward.counts(spec), count_features(text, spec))
        for spec in reversed(SPECS):
            assert _same(backward.counts(spec), count_features(text, spec))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.permutations(range(len(SPECS))))
def test_shared_counts_equal_separate_counts_for_any_text(text, order):
    shared = TextCounts(text)
    for index in order:
        assert _same(shared.counts(SPECS[index]), count_features(text, SPECS[index]))


def test_a_model_ignores_shared_counts_of_another_text():
    model = model_load("event")
    shared = TextCounts("Troops attacked the border post.")
    text = "The two governments signed a trade agreement."
    assert model.predict(text, shared) == model.predict(text)
