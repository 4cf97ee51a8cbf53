import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.nlp.entities import (
    MODEL_ID,
    Entity,
    entities_gazetteer,
    entities_read,
    entities_tag,
    entity_parse,
)
from chancery_analytics.nlp.normalise import normalise_text


def tag(text, gazetteer=None):
    return entities_tag(normalise_text(text), gazetteer)


def test_english_people_and_organisations_in_order_of_first_mention():
    result = tag("UN Secretary-General António Guterres met Wang Yi and Sergey Lavrov before the ASEAN summit.")
    assert result.people == ["António Guterres", "Wang Yi", "Sergey Lavrov"]
    assert result.organisations == ["UN", "ASEAN"]
    assert result.model == MODEL_ID


def test_vietnamese_forms_map_to_the_same_ids():
    result = tag("Chủ tịch Tập Cận Bình hội đàm với Tổng Bí thư Tô Lâm; Liên hợp quốc và Hội đồng Bảo an hoan nghênh.")
    assert result.people == ["Xi Jinping", "Tô Lâm"]
    assert result.organisations == ["UN", "UNSC"]


def test_longest_alias_wins_and_case_matters():
    result = tag("The UN Security Council met. People who care about the WHO report.")
    assert result.organisations == ["UNSC", "WHO"]
    assert tag("those who know").organisations == []


def test_possessive_is_the_entity():
    assert tag("Putin's visit").people == ["Vladimir Putin"]


def test_analyst_entries_extend_and_override_the_curated_table():
    extra = [
        Entity(id="Nguyễn Văn A", kind="person", aliases=("Nguyễn Văn A", "Mr A"), country="VNM", role="envoy"),
        Entity(id="UN", kind="organisation", aliases=("Liên Hiệp Quốc",)),
    ]
    gazetteer = entities_gazetteer(extra)
    result = tag("Mr A spoke at the United Nations (Liên Hiệp Quốc).", gazetteer)
    assert result.people == ["Nguyễn Văn A"]
    assert result.organisations == ["UN"]  # the override keeps only the analyst's aliases
    assert tag("the United Nations", gazetteer).organisations == []
    assert result.model == f"{MODEL_ID}+2"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        entities_gazetteer([Entity(id="x", kind="place", aliases=("X",))])


def test_entities_read_reports_bad_lines_and_keeps_good_ones():
    lines = [
        json.dumps({"id": "Jane Roe", "kind": "person", "aliases": ["Jane Roe", " "], "country": "fra"}),
        "not json",
        json.dumps({"id": "X", "kind": "place", "aliases": ["X"]}),
        json.dumps({"id": "Y", "kind": "organisation", "aliases": []}),
        "",
        json.dumps({"id": "Z", "kind": "organisation", "aliases": ["Z Org"], "country": "France"}),
    ]
    entities, errors = entities_read(lines)
    assert entities == [Entity(id="Jane Roe", kind="person", aliases=("Jane Roe",), country="FRA")]
    assert [number for number, _ in errors] == [2, 3, 4, 6]
    assert errors[1][1].startswith("kind")
    assert errors[2][1].startswith("aliases")
    assert errors[3][1].startswith("country")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(_json)
def test_entity_parse_never_raises_anything_but_value_error(data):
    try:
        entity = entity_parse(data)
    except ValueError:
        return
    assert entity.kind in {"person", "organisation"}
    assert entity.aliases


@given(st.lists(st.text(max_size=80), max_size=8))
def test_entities_read_never_raises(lines):
    entities, errors = entities_read(lines)
    assert len(entities) + len(errors) <= len(lines)


@given(st.text(max_size=300))
def test_tagging_any_text_returns_known_ids(text):
    result = tag(text)
    gazetteer = entities_gazetteer()
    assert all(gazetteer.entities[i].kind == "person" for i in result.people)
    assert all(gazetteer.entities[i].kind == "organisation" for i in result.organisations)
