"""Property tests: platform response parsers return typed values or raise MalformedResponse, nothing else."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from chancery.outreach.connectors import parsing
from chancery.outreach.connectors.base import retry_after_seconds
from chancery.outreach.connectors.errors import MalformedResponse

PARSERS = [
    parsing.mastodon_status,
    parsing.mastodon_max_characters,
    parsing.bluesky_session,
    parsing.bluesky_created,
    parsing.bluesky_record,
    parsing.mastodon_media_id,
    parsing.bluesky_blob,
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "id",
        "url",
        "content",
        "configuration",
        "statuses",
        "max_characters",
        "did",
        "handle",
        "accessJwt",
        "uri",
        "cid",
        "value",
        "text",
        "blob",
        "ref",
        "$link",
        "size",
    ]
)
shaped = st.dictionaries(keys, json_values | st.dictionaries(keys, json_values, max_size=3), max_size=6)


def _only_malformed(body: bytes) -> None:
    for parse in PARSERS:
        with contextlib.suppress(MalformedResponse):
            parse(body)
    assert isinstance(parsing.xrpc_error(body), str)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_a_parser(body: bytes) -> None:
    _only_malformed(body)


@given(json_values | shaped)
def test_arbitrary_json_never_crashes_a_parser(value: object) -> None:
    _only_malformed(json.dumps(value).encode())


@given(st.integers(min_value=1, max_value=1_000_000))
def test_instance_limit_round_trips(limit: int) -> None:
    body = json.dumps({"configuration": {"statuses": {"max_characters": limit}}}).encode()
    assert parsing.mastodon_max_characters(body) == limit


@given(st.text(min_size=1, max_size=300))
def test_bluesky_record_text_round_trips(text: str) -> None:
    body = json.dumps({"uri": "at://did:plc:x/app.bsky.feed.post/3k", "cid": "bafy", "value": {"text": text}}).encode()
    assert parsing.bluesky_record(body).text == text


@given(st.text(max_size=40))
def test_retry_after_is_none_or_a_non_negative_int(value: str) -> None:
    parsed = retry_after_seconds(value, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert parsed is None or parsed >= 0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after_seconds("120", now=now) == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 00:01:00 GMT", now=now) == 60
    assert retry_after_seconds("soon", now=now) is None
