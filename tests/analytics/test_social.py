from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.nlp.features import FeatureSpec, count_features
from chancery_analytics.nlp.social import social_prepare, social_tokens


def test_mentions_urls_hashtags_and_elongations():
    text = social_prepare("@Bob see https://x.example/a?b=1 #StopTheWar sooooo good")
    assert "@user" in text
    assert "http" in text
    assert "x.example" not in text
    assert "stop the war" in text.lower()
    assert "soo good" in text


def test_urls_in_any_case_and_every_elongation_length():
    assert social_prepare("See HTTPS://X.Example/A and Www.Site.org, or hTtP.") == "See  http  and  http  or  http ."
    assert social_prepare("noooo yesss ok aa") == "noo yess ok aa"
    assert social_prepare("no link here, www or https") == "no link here, ww or https"


def test_negation_marks_words_until_punctuation():
    tokens, cues = social_tokens("I don't like it at all. Great ending")
    assert "neg_like" in cues
    assert "neg_all" in cues
    assert "neg_great" not in cues
    assert tokens[:4] == ["i", "don't", "like", "it"]


def test_emoji_and_emoticons_are_tokens_with_polarity_cues():
    tokens, cues = social_tokens("love it 😍 :) but 😡")
    assert "😍" in tokens
    assert ":)" in tokens
    assert "😡" in tokens
    assert cues.count("emo_pos") == 2
    assert cues.count("emo_neg") == 1


def test_social_spec_changes_the_features_plain_spec_does_not():
    plain = FeatureSpec(n_features=1 << 12, word_ngrams=1)
    social = FeatureSpec(n_features=1 << 12, word_ngrams=1, social=True)
    a, b = "not good 😡", "not good"
    assert count_features(a, plain).word_keys.tolist() == count_features(b, plain).word_keys.tolist()
    assert count_features(a, social).word_keys.tolist() != count_features(b, social).word_keys.tolist()


def test_stemmed_spec_joins_inflections():
    spec = FeatureSpec(n_features=1 << 12, word_ngrams=1, stem="english")
    assert count_features("killed", spec).word_keys.tolist() == count_features("killing", spec).word_keys.tolist()


@given(st.text(max_size=300))
def test_any_text_tokenises(text):
    tokens, cues = social_tokens(text)
    assert all(token for token in tokens)
    assert all(cue.startswith(("neg_", "emo_")) for cue in cues)
