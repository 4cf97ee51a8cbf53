"""STIX validation: the OASIS library decides what is valid; only the accepted types are kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery.platform.enums import TLP
from chancery.threatintel.stix import (
    TLP_MARKING,
    StixInvalid,
    bundle_make,
    bundle_objects,
    stix_validate,
    tlp_marking_object,
    tlp_of,
)
from tests.threatintel.conftest import indicator


def test_valid_indicator_keeps_id_version_and_tlp() -> None:
    raw = indicator("login-mofa.example", TLP.AMBER)
    valid = stix_validate(raw)
    assert valid.stix_id == raw["id"]
    assert valid.version == raw["modified"]
    assert valid.tlp == TLP.AMBER


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ({"type": "x-custom-thing"}, "not accepted"),
        ({"spec_version": "2.0"}, "spec_version"),
        ({"pattern": "[not a pattern"}, "not valid STIX"),
        ({"x_secret_field": "custom"}, "not valid STIX"),
        ({"id": "indicator--not-a-uuid"}, "not valid STIX"),
    ],
)
def test_invalid_objects_are_refused(mutation: dict[str, Any], reason: str) -> None:
    raw = indicator("a.example") | mutation
    with pytest.raises(StixInvalid, match=reason):
        stix_validate(raw)


def test_only_tlp_marking_definitions_are_accepted() -> None:
    marking = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--00000000-0000-4000-8000-000000000000",
        "created": "2026-01-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "Copyright"},
    }
    with pytest.raises(StixInvalid, match="TLP"):
        stix_validate(marking)
    for tlp in (TLP.CLEAR, TLP.RED):
        published = tlp_marking_object(tlp)
        assert published is not None
        assert stix_validate(published).stix_id == TLP_MARKING[tlp]


def test_strictest_tlp_wins_and_tlp1_markings_are_understood() -> None:
    assert tlp_of([TLP_MARKING[TLP.GREEN], TLP_MARKING[TLP.RED]]) == TLP.RED
    assert tlp_of([stix2.v21.TLP_AMBER.id]) == TLP.AMBER
    assert tlp_of(["marking-definition--00000000-0000-4000-8000-000000000000"]) is None


def test_bundle_round_trip_validates_with_the_oasis_parser() -> None:
    objects = [indicator("x.example"), tlp_marking_object(TLP.GREEN)]
    bundle = bundle_make([o for o in objects if o is not None])
    parsed = stix2.parse(json.dumps(bundle), allow_custom=False, version="2.1")
    assert len(parsed.objects) == 2
    assert bundle_objects(bundle) == bundle["objects"]


@pytest.mark.parametrize(
    "raw",
    [
        [],
        "bundle",
        {"type": "report"},
        {"type": "bundle", "id": "x"},
        {"type": "bundle", "id": "bundle--1", "objects": {}},
    ],
)
def test_malformed_bundles_are_refused(raw: object) -> None:
    with pytest.raises(StixInvalid):
        bundle_objects(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    base=st.sampled_from(["indicator", "malware", "report", "sighting", "bundle", "x-evil", ""]),
    extra=st.dictionaries(
        st.sampled_from(["id", "type", "spec_version", "created", "modified", "pattern", "name", "object_refs", "x"]),
        json_values,
        max_size=6,
    ),
)
def test_hostile_objects_raise_only_stix_invalid(base: str, extra: dict[str, Any]) -> None:
    raw: dict[str, Any] = {"type": base, "spec_version": "2.1"} | extra
    try:
        valid = stix_validate(raw)
    except StixInvalid:
        return
    # Whatever passed is valid for the OASIS library itself.
    stix2.parse(valid.body, allow_custom=False, version="2.1")
