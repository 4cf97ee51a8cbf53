import pycountry
import pytest

from chancery_analytics.nlp.countries import countries_tag, gazetteer
from chancery_analytics.nlp.normalise import normalise_text


def tag(text):
    return countries_tag(normalise_text(text))


def test_english_names_short_forms_demonyms_and_capitals():
    result = tag("Officials in Tokyo met U.S. and British negotiators; Vietnamese exports rose.")
    assert set(result.countries) == {"JPN", "USA", "GBR", "VNM"}
    assert result.countries[0] == "JPN"  # first mention first


def test_vietnamese_names_and_capitals():
    result = tag("Thủ tướng Nhật Bản thăm Hà Nội; Hoa Kỳ và Trung Quốc hoan nghênh. Bắc Kinh ra tuyên bố.")
    assert set(result.countries) == {"JPN", "VNM", "USA", "CHN"}


def test_about_is_the_headline_country_not_a_passing_mention():
    text = (
        "Brazil cuts coffee export quota\nBrazilian officials said so. "
        + "Filler sentence about markets. " * 20
        + "France was not affected."
    )
    result = tag(text)
    assert result.about == ["BRA"]
    assert set(result.countries) == {"BRA", "FRA"}


def test_all_capitals_headline_is_matched():
    assert tag("JAPAN TO CUT RICE TARIFFS, SAYS U.S. OFFICIAL").countries == ["JPN", "USA"]


def test_lower_case_words_are_not_countries():
    assert tag("let us turkey chad and china plates").countries == []


def test_vietnamese_given_names_are_not_countries():
    assert tag("Chị Nga và bạn Thị Mỹ đi học, pháp luật quy định rõ.").countries == []
    assert tag("Pháp luật mới có hiệu lực.").countries == []


def test_weak_cue_only_without_any_named_country():
    assert tag("ACME INC <ACM> 4TH QTR NET\nShr 10 cts vs 12 cts").countries == ["USA"]
    assert tag("Canada's Acme Inc said profits rose").countries == ["CAN"]


def test_no_country():
    result = tag("The committee met on Tuesday.")
    assert result.countries == []
    assert result.about == []


@pytest.mark.parametrize("code", sorted(set(gazetteer().values())))
def test_every_output_code_is_iso_alpha3_current_or_former(code):
    assert pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code)
