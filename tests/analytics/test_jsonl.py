import json

from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.jsonl import InputRecord, Rejected, records_read

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def test_good_records_are_read_with_optional_lang():
    lines = ['{"id": "a", "text": "Hello"}\n', '{"id": 7, "text": "Xin chào", "lang": "VI"}\n']
    assert list(records_read(lines)) == [
        InputRecord(id="a", text="Hello"),
        InputRecord(id=7, text="Xin chào", lang="vi"),
    ]


def test_bad_lines_are_reported_with_line_and_reason_and_the_rest_goes_on():
    lines = [
        "not json\n",
        "[1, 2]\n",
        '{"text": "no id"}\n',
        '{"id": "x", "text": 5}\n',
        '{"id": true, "text": "bool id"}\n',
        '{"id": "y", "text": "t", "lang": "english!"}\n',
        "\n",
        '{"id": "ok", "text": "fine"}\n',
    ]
    results = list(records_read(lines))
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert [r.line for r in rejected] == [1, 2, 3, 4, 5, 6]
    assert "JSON" in rejected[0].reason
    assert "object" in rejected[1].reason
    assert "'id'" in rejected[2].reason
    assert rejected[3].id == "x"
    assert "'text'" in rejected[3].reason
    assert "'lang'" in rejected[5].reason
    assert results[-1] == InputRecord(id="ok", text="fine")


@given(st.lists(st.text(), max_size=5))
def test_arbitrary_text_lines_never_crash(lines):
    results = list(records_read(lines))
    assert len(results) == sum(1 for line in lines if line.strip())
    assert all(isinstance(r, InputRecord | Rejected) for r in results)


@given(json_values)
def test_arbitrary_json_values_are_accepted_only_as_valid_records(value):
    [result] = list(records_read([json.dumps(value)])) or [None]
    if isinstance(value, dict) and isinstance(value.get("text"), str) and isinstance(value.get("id"), str | int):
        assert isinstance(result, InputRecord) or "'id'" in result.reason or "'lang'" in result.reason
    else:
        assert isinstance(result, Rejected)
        assert result.reason


@given(st.text(min_size=1), st.text())
def test_any_string_id_and_text_round_trip(record_id, text):
    [result] = list(records_read([json.dumps({"id": record_id, "text": text})]))
    assert result == InputRecord(id=record_id, text=text)
