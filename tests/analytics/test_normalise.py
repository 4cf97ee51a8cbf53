import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.nlp.normalise import normalise_text


def test_decomposed_vietnamese_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    assert decomposed != "Việt Nam"
    assert normalise_text(decomposed) == "Việt Nam"


def test_new_style_tone_marks_move_to_the_traditional_place():
    assert normalise_text("hoà bình") == "hòa bình"
    assert normalise_text("Thuỷ điện") == "Thủy điện"
    assert normalise_text("khoẻ") == "khỏe"


def test_syllables_that_do_not_differ_are_left_alone():
    assert normalise_text("Hoàng Sa") == "Hoàng Sa"
    assert normalise_text("quý khách") == "quý khách"
    assert normalise_text("hòa") == "hòa"


def test_controls_zero_width_and_typographic_punctuation():
    assert normalise_text("a\u200bb\u0007 \u201cquoted\u201d \u2014 it\u2019s\u00a0\u00a0x") == 'ab "quoted" - it\'s x'


def test_whitespace_runs_and_blank_lines_collapse():
    assert normalise_text("  one\t two \n\n\n three  ") == "one two\nthree"


@given(st.text())
def test_normalisation_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


_SPACE_RUN = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINE_RUN = re.compile(r"\s*\n\s*")


@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\xa0\u1680\u2003\u202f\u3000ab")), max_size=40))
def test_whitespace_runs_collapse_as_their_definition_says(text):
    # One space for a run of spaces, then one newline for a run of whitespace holding a newline; ends stripped.
    assert normalise_text(text) == _NEWLINE_RUN.sub("\n", _SPACE_RUN.sub(" ", text)).strip()
