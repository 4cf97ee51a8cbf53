"""X's weighted 280 (twitter-text config v3) on Vietnamese text.

The expected weights were checked against the twitter-text reference parser (v3 configuration): letters
of Latin-1 and Latin Extended-A/B such as "ă â đ ê ô ơ ư" weigh 1, the Vietnamese letters of the Latin
Extended Additional block (U+1E00-U+1EFF, e.g. "ạ ệ ộ ự") weigh 2, CJK weighs 2, an emoji sequence 2,
and every link (with or without http://) 23. Text is counted after NFC normalisation.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.outreach.limits import X_MAX_WEIGHT, x_check


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("Bộ Ngoại giao Việt Nam chúc mừng Quốc khánh", 48),
        ("ă â đ ê ô ơ ư", 13),
        ("ạ ả ấ ầ ẩ ẫ ậ ệ ộ ở ự", 32),
        ("越南外交部", 10),
        ("“Hòa bình” — hợp tác…", 23),
        ("Xem https://mofa.gov.vn/tin-tuc/rat-dai/duong-dan?x=1 ngay", 32),
        ("Xem mofa.gov.vn ngay", 32),
        ("Thăm www.mofa.gov.vn/en và x.com", 55),
        ("file.txt và e.g. v.v.", 21),
        ("email@mofa.gov.vn", 17),
        ("Chúc mừng 👍🏽 🇻🇳", 16),
        ("👨\u200d👩\u200d👧 gia đình", 11),
        ("©2026", 6),
    ],
)
def test_weights_match_twitter_text(text: str, weight: int) -> None:
    assert x_check(text).length == weight


def test_decomposed_vietnamese_counts_as_composed() -> None:
    composed = "Việt Nam hợp tác"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert x_check(decomposed).length == x_check(composed).length == 18


def test_140_heavy_vietnamese_letters_fit_141_do_not() -> None:
    assert x_check("ệ" * 140).ok
    over = x_check("ệ" * 141)
    assert not over.ok
    assert (over.length, over.limit) == (282, X_MAX_WEIGHT)
    assert over.kept == "ệ" * 140
    assert over.cut == "ệ"


def test_light_vietnamese_letters_fit_280() -> None:
    assert x_check("ơ" * 280).ok
    assert not x_check("ơ" * 281).ok


def test_a_link_is_never_split_when_cut() -> None:
    text = "a" * 270 + " https://mofa.gov.vn/" + "x" * 50
    check = x_check(text)
    assert not check.ok
    assert check.kept == "a" * 270 + " "
    assert check.cut.startswith("https://")


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet="aăâđêôơưạệộựấ Việt", max_size=400))
def test_kept_plus_cut_is_the_text_and_kept_fits(text: str) -> None:
    check = x_check(text)
    normalised = unicodedata.normalize("NFC", text)
    assert check.kept + check.cut == normalised
    assert x_check(check.kept).length <= X_MAX_WEIGHT
    assert check.ok == (check.length <= X_MAX_WEIGHT)
