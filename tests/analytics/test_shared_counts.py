"""One text hashed once for several models gives exactly the counts each model computes on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.nlp.countries import countries_tag
from chancery_analytics.nlp.entities import entities_tag
from chancery_analytics.nlp.features import FeatureSpec, TextCounts, count_features
from chancery_analytics.nlp.linear import model_load
from chancery_analytics.nlp.normalise import normalise_text
from chancery_analytics.nlp.tokenise import word_tokens
from chancery_analytics.nlp.topic import topic_classify

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


SLICE_TEXT = st.text(alphabet=st.sampled_from(list("ab Σσς.'!?:)\n\t-İ")), max_size=80)


@settings(max_examples=200, deadline=None)
@given(SLICE_TEXT, st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90) | st.none()), max_size=6))
def test_word_slices_equal_tokenising_the_slice_in_any_order(text, slices):
    shared = TextCounts(text)
    for start, stop in [*slices, (0, None), *reversed(slices)]:
        assert shared.words(start, stop) == word_tokens(text[start:stop])


def test_word_slices_of_an_article_share_one_tokenisation():
    text = normalise_text("Hà Nội và Tokyo ký kết hiệp định. ΟΔΥΣΣΕΥΣ met the U.S envoy's team!\n" * 30)
    shared = TextCounts(text)
    for start, stop in [(0, 400), (0, 1000), (0, None), (0, 300), (300, 5000), (299, 301), (1000, 1000)]:
        assert shared.words(start, stop) == word_tokens(text[start:stop])


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_taggers_give_the_same_result_with_shared_tokens(text):
    text = normalise_text(text)
    shared = TextCounts(text)
    assert countries_tag(text, shared) == countries_tag(text)
    assert entities_tag(text, None, shared) == entities_tag(text)
    assert topic_classify(text, shared) == topic_classify(text)


def test_taggers_ignore_shared_tokens_of_another_text():
    shared = TextCounts("Nothing here.")
    text = "Vietnam and Japan signed a trade deal; UN Secretary-General Guterres welcomed it."
    assert countries_tag(text, shared) == countries_tag(text)
    assert entities_tag(text, None, shared) == entities_tag(text)
    assert topic_classify(text, shared) == topic_classify(text)


def test_weak_cue_is_found_past_the_first_lines_but_not_past_2000_characters():
    lead = "Results of the quarter.\n" + "Net profit rose.\n" * 10
    assert countries_tag(lead + "Shr 1.20 dlrs vs 90 cts").countries == ["USA"]
    assert countries_tag("x" * 1990 + " net 10 dlrs").countries == []


def test_idf_of_a_bucket_without_weight_is_the_default():
    model = model_load("event")
    missing = np.setdiff1d(np.arange(64, dtype=np.int64), model.rows)[:3]
    assert np.all(model.idf_of(missing) == np.float32(model.idf_default))
    present = model.rows[:3]
    assert model.idf is not None
    assert np.array_equal(model.idf_of(present), model.idf[:3])
