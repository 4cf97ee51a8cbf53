"""CSV/JSONL uploads through a column mapping, and choosing the connector for a path or URL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest import Connector, Fetcher, connector_for
from chancery_analytics.ingest.article import PageConnector
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.feeds import FeedConnector, FeedFileConnector
from chancery_analytics.ingest.uploads import ColumnMapping, CsvUploadConnector, JsonlUploadConnector

from .conftest import LocalServer


def _items(results: list[RawItem | Rejected]) -> list[RawItem]:
    return [r for r in results if isinstance(r, RawItem)]


def _rejected(results: list[RawItem | Rejected]) -> list[Rejected]:
    return [r for r in results if isinstance(r, Rejected)]


MAPPING = {"text": "body", "title": "headline", "date": "when", "url": "link", "lang": "language", "id": "ref"}


def test_csv_upload_with_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "press.csv"
    path.write_text(
        "ref;headline;body;when;link;language\n"
        "p1;Thông cáo;<p>Nội dung <script>x()</script>thông cáo</p>;2025-04-01T09:00:00+07:00;https://mofa.test/p1;vi-VN\n"
        "p2;No body;;2025-04-01;;en\n"
        "p3;Too;many;columns;here;en;extra\n"
        "p4;Fine;Plain text;not a date;javascript:alert(1);english\n",
        encoding="utf-8",
    )
    connector = connector_for(str(path), mapping=MAPPING)
    assert isinstance(connector, CsvUploadConnector)
    assert connector.key == "csv:press.csv"
    results = list(connector.read())
    first, fourth = _items(results)
    assert (first.external_id, first.title, first.text, first.lang) == ("p1", "Thông cáo", "Nội dung thông cáo", "vi")
    assert first.published == datetime(2025, 4, 1, 2, tzinfo=UTC)
    assert first.url == "https://mofa.test/p1"
    assert (fourth.url, fourth.published, fourth.lang) == (None, None, None)
    assert [(r.position, r.reason) for r in _rejected(results)] == [
        ("line 3", "no text in column 'body'"),
        ("line 4", "expected 6 columns, found 7"),
    ]


def test_csv_upload_without_the_text_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (rejected,) = list(CsvUploadConnector(path).read())
    assert isinstance(rejected, Rejected)
    assert rejected.reason == "no column 'text' for the text"


def test_jsonl_upload_with_nested_fields_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    lines = [
        json.dumps({"id": 1, "content": {"text": "Xin chào"}, "meta": {"lang": "vi", "ts": 1735689600}}),
        "not json",
        json.dumps(["a list"]),
        json.dumps({"id": 2, "content": {"text": 5}}),
        json.dumps({"content": {"text": "No id: hashed"}}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = ColumnMapping(text="content.text", date="meta.ts", lang="meta.lang", kind="social")
    connector = connector_for(str(path), mapping=mapping)
    assert isinstance(connector, JsonlUploadConnector)
    results = list(connector.read())
    first, hashed = _items(results)
    assert (first.external_id, first.kind, first.lang) == ("1", "social", "vi")
    assert first.published == datetime(2025, 1, 1, tzinfo=UTC)
    assert hashed.external_id.startswith("sha256:")
    assert [r.position for r in _rejected(results)] == ["line 2", "line 3", "line 4"]


def test_the_mapping_is_validated() -> None:
    with pytest.raises(ValueError, match="unknown mapping field"):
        ColumnMapping.from_dict({"body": "x"})
    with pytest.raises(ValueError, match="'kind'"):
        ColumnMapping.from_dict({"kind": "podcast"})


def test_an_enormous_text_is_rejected_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "x" * 1_000_001}) + "\n" + json.dumps({"id": "b", "text": "ok"}) + "\n"
    )
    results = list(JsonlUploadConnector(path).read())
    assert [r.external_id for r in _items(results)] == ["b"]
    assert "longer than 1000000" in _rejected(results)[0].reason


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.text(alphabet="abcdef0123456789", min_size=1, max_size=8),
                "text": st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=60),
                "title": st.text(max_size=20),
            }
        ),
        max_size=8,
    )
)
def test_generated_csv_uploads_keep_ids_and_reject_only_empty_texts(rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["id", "title", "text"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    results = list(CsvUploadConnector(buffer.getvalue().encode(), delimiter=",").read())
    kept = [row["id"] for row in rows if row["text"].strip() and any(v.strip() for v in row.values())]
    assert [item.external_id for item in _items(results)] == kept
    for rejected in _rejected(results):
        assert rejected.reason.startswith(("no text", "no title"))


# -- dispatch ---------------------------------------------------------------------------------------------


def test_urls_are_feeds_by_default_and_pages_on_request(local_server: LocalServer) -> None:
    fetcher = Fetcher()
    feed = connector_for("https://example.org/rss", fetcher=fetcher, full_text=True)
    assert isinstance(feed, FeedConnector)
    assert feed.fetcher is fetcher
    assert feed.full_text
    assert isinstance(connector_for("https://example.org/a", format="page"), PageConnector)
    assert isinstance(feed, Connector)


def test_files_are_recognised_by_extension_and_content(tmp_path: Path) -> None:
    (tmp_path / "a.atom").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "b.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    assert isinstance(connector_for(str(tmp_path / "a.atom")), FeedFileConnector)
    assert isinstance(connector_for(str(tmp_path / "b.xml")), FeedFileConnector)
    assert isinstance(connector_for(str(tmp_path / "c.jsonl")), JsonlUploadConnector)
    assert isinstance(connector_for(str(tmp_path / "c.jsonl"), format="x"), object)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ftp://example.org/x", "only http"),
        ("file:///etc/passwd", "only http"),
        ("/no/such/file.csv", "no such file"),
    ],
)
def test_unreadable_specs_are_value_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        connector_for(spec)


def test_unknown_formats_and_options_are_value_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"\0\1")
    with pytest.raises(ValueError, match="no connector"):
        connector_for(str(path))
    (tmp_path / "y.json").write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="no known kind"):
        connector_for(str(tmp_path / "y.json"))
    (tmp_path / "z.xml").write_text("<svg/>", encoding="utf-8")
    with pytest.raises(ValueError, match="not an RSS"):
        connector_for(str(tmp_path / "z.xml"))
    with pytest.raises(ValueError, match="takes no option"):
        connector_for(str(tmp_path / "y.json"), format="telegram", mapping={})
    with pytest.raises(ValueError, match="unknown format"):
        connector_for(str(tmp_path / "y.json"), format="myspace")


def test_long_ids_are_hashed_and_long_titles_cut_to_fit_storage() -> None:
    long_url = "https://example.org/" + "a" * 600
    row = json.dumps({"text": "t", "url": long_url, "title": "T" * 1500, "author": "A" * 400})
    (item,) = list(JsonlUploadConnector((row + "\n").encode()).read())
    assert isinstance(item, RawItem)
    assert item.external_id.startswith("sha256:")
    assert len(item.external_id) == 71
    assert item.url == long_url
    assert len(item.title) == 1000
    assert item.title.endswith("…")
    assert item.author is not None
    assert len(item.author) == 300
