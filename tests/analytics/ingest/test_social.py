"""Social-media exports: X API v2, Mastodon, Facebook Graph and personal exports, Telegram channel exports."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest import connector_for
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.social import FacebookConnector, MastodonConnector, TelegramConnector, XConnector

TWEET = {
    "id": "1880000000000000001",
    "text": "Viet Nam and Japan sign a new partnership https://t.co/x",
    "created_at": "2025-01-18T09:15:00.000Z",
    "author_id": "42",
    "lang": "en",
    "edit_history_tweet_ids": ["1880000000000000001"],
    "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 10, "quote_count": 0},
    "conversation_id": "1880000000000000001",
}


def _items(results: list[RawItem | Rejected]) -> list[RawItem]:
    return [r for r in results if isinstance(r, RawItem)]


def _rejected(results: list[RawItem | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


def _dump(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_x_api_v2_response_with_includes(tmp_path: Path) -> None:
    long_tweet = {**TWEET, "id": "1880000000000000002", "lang": "und", "note_tweet": {"text": "A much longer note"}}
    response = {
        "data": [TWEET, long_tweet, {"id": "x", "text": "bad id"}, {"id": "1880000000000000003"}],
        "includes": {"users": [{"id": "42", "username": "MOFAVietNam", "name": "Bộ Ngoại giao"}]},
        "meta": {"result_count": 4},
    }
    connector = connector_for(str(_dump(tmp_path / "search.json", response)))
    assert isinstance(connector, XConnector)
    results = list(connector.read())
    first, second = _items(results)
    assert (first.source, first.kind, first.external_id) == ("x", "social", "1880000000000000001")
    assert first.url == "https://x.com/MOFAVietNam/status/1880000000000000001"
    assert first.author == "@MOFAVietNam"
    assert first.published == datetime(2025, 1, 18, 9, 15, tzinfo=UTC)
    assert first.lang == "en"
    assert first.extra["metrics"]["like_count"] == 10
    assert second.text == "A much longer note"
    assert second.lang is None
    assert [r.reason for r in _rejected(results)] == ["missing or invalid tweet 'id'", "tweet has no 'text'"]


def test_x_jsonl_of_tweets_and_of_pages(tmp_path: Path) -> None:
    path = tmp_path / "tweets.jsonl"
    page = {"data": [{**TWEET, "id": "7"}], "includes": {"users": []}}
    path.write_text(json.dumps(TWEET) + "\n{broken\n" + json.dumps(page) + "\n", encoding="utf-8")
    connector = connector_for(str(path))
    assert isinstance(connector, XConnector)
    results = list(connector.read())
    assert [i.external_id for i in _items(results)] == ["1880000000000000001", "7"]
    assert _items(results)[1].url == "https://x.com/i/web/status/7"
    assert [r.position for r in _rejected(results)] == ["line 2"]


STATUS = {
    "id": "113000000000000001",
    "created_at": "2025-02-01T10:00:00.000Z",
    "uri": "https://mastodon.social/users/diplo/statuses/113000000000000001",
    "url": "https://mastodon.social/@diplo/113000000000000001",
    "content": '<p>Hội nghị <a href="https://x">#ASEAN</a> khai mạc</p><script>alert(1)</script>',
    "language": "vi",
    "spoiler_text": "",
    "account": {"acct": "diplo", "username": "diplo"},
    "tags": [{"name": "ASEAN"}],
    "reblogs_count": 2,
    "reblog": None,
}


def test_mastodon_statuses_with_a_boost(tmp_path: Path) -> None:
    boost = {"id": "2", "uri": "https://other/boost/2", "content": "", "account": {"acct": "b"}, "reblog": STATUS}
    empty = {**STATUS, "uri": "https://mastodon.social/x/3", "content": "<p></p>"}
    connector = connector_for(str(_dump(tmp_path / "statuses.json", [STATUS, boost, empty, 5])))
    assert isinstance(connector, MastodonConnector)
    results = list(connector.read())
    first, boosted = _items(results)
    assert first.external_id == STATUS["uri"]
    assert first.text == "Hội nghị #ASEAN khai mạc"
    assert first.lang == "vi"
    assert first.author == "@diplo"
    assert first.extra["tags"] == ["ASEAN"]
    assert boosted.external_id == first.external_id  # a boost is the boosted status: stored once
    assert [r.reason for r in _rejected(results)] == ["status has no text 'content'", "status is not a JSON object"]


def test_facebook_graph_posts(tmp_path: Path) -> None:
    graph = {
        "data": [
            {
                "id": "1234_5678",
                "message": "Thông cáo báo chí",
                "created_time": "2025-03-01T08:00:00+0000",
                "permalink_url": "https://www.facebook.com/mofa/posts/5678",
                "from": {"name": "MOFA", "id": "1234"},
            },
            {"id": "1234_9", "created_time": "2025-03-01T08:00:00+0000"},
        ],
        "paging": {"next": "https://graph.facebook.com/..."},
    }
    connector = connector_for(str(_dump(tmp_path / "posts.json", graph)))
    assert isinstance(connector, FacebookConnector)
    results = list(connector.read())
    (post,) = _items(results)
    assert (post.external_id, post.author, post.url) == (
        "1234_5678",
        "MOFA",
        "https://www.facebook.com/mofa/posts/5678",
    )
    assert post.published == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert [r.reason for r in _rejected(results)] == ["post has no 'message'"]


def test_facebook_personal_export_mojibake_is_repaired(tmp_path: Path) -> None:
    text = "Chúc mừng năm mới"
    mojibake = text.encode("utf-8").decode("latin-1")
    export = [{"timestamp": 1735689600, "data": [{"post": mojibake}], "title": "MOFA updated status"}]
    (post,) = list(FacebookConnector(_dump(tmp_path / "your_posts_1.json", export)).read())
    assert isinstance(post, RawItem)
    assert post.text == text
    assert post.published == datetime(2025, 1, 1, tzinfo=UTC)
    assert post.external_id.startswith("export:1735689600:")


def test_telegram_channel_export(tmp_path: Path) -> None:
    export = {
        "name": "Kênh Ngoại giao",
        "type": "public_channel",
        "id": 1234567890,
        "messages": [
            {"id": 1, "type": "service", "date": "2025-01-01T00:00:00", "action": "create_channel"},
            {
                "id": 2,
                "type": "message",
                "date": "2025-01-02T10:00:00",
                "date_unixtime": "1735812000",
                "from": "Kênh Ngoại giao",
                "text": ["Họp báo ", {"type": "bold", "text": "thường kỳ"}, " hôm nay"],
                "views": 1500,
            },
            {"id": 3, "type": "message", "date": "2025-01-02T11:00:00", "text": ""},
            "garbage",
        ],
    }
    connector = connector_for(str(_dump(tmp_path / "result.json", export)))
    assert isinstance(connector, TelegramConnector)
    results = list(connector.read())
    (message,) = _items(results)
    assert connector.key == "telegram:1234567890"
    assert message.text == "Họp báo thường kỳ hôm nay"
    assert message.published == datetime(2025, 1, 2, 10, tzinfo=UTC)
    assert message.extra["views"] == 1500
    assert [(r.position, r.reason) for r in _rejected(results)] == [
        ("message 3", "message has no text"),
        ("message 4", "message is not a JSON object"),
    ]


def test_a_broken_document_is_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"messages": [', encoding="utf-8")
    (rejected,) = list(TelegramConnector(path).read())
    assert isinstance(rejected, Rejected)
    assert "not valid JSON" in rejected.reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
tweetish = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=5), st.integers(), st.none())},
    optional={"text": json_values, "created_at": json_values, "lang": json_values, "author_id": json_values},
)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values | tweetish, max_size=6))
def test_every_social_reader_survives_arbitrary_json(values: list[Any]) -> None:
    data = json.dumps(values).encode()
    for reader in (XConnector, MastodonConnector, FacebookConnector, TelegramConnector):
        for result in reader(data).read():
            assert isinstance(result, RawItem | Rejected)
            if isinstance(result, RawItem):
                assert result.external_id
                assert result.text
                assert result.published is None or result.published.tzinfo is UTC


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=2**63),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u200b\ufffe\uffff"
        ),
        min_size=1,
        max_size=280,
    ).filter(lambda s: s.strip()),
)
def test_generated_tweets_round_trip(tweet_id: int, text: str) -> None:
    data = json.dumps({"id": str(tweet_id), "text": text}).encode()
    (item,) = list(XConnector(data).read())  # bytes: one JSON document, here a tweet object
    assert isinstance(item, RawItem)
    assert item.external_id == str(tweet_id)
    assert item.text.split() == unicodedata.normalize("NFC", text).split()
