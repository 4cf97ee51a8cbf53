"""RSS and Atom: parsing, sanitising, refusing XML entities, conditional GET and full text, all against local data."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest.article import PageConnector
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.feeds import FeedConnector, FeedFileConnector, FeedState, feed_items
from chancery_analytics.ingest.fetch import Fetcher

from .conftest import LocalServer, Seen

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Báo Thế Giới</title><link>https://example.org/</link><language>vi-VN</language>
<item>
  <title>Việt Nam và Nhật Bản ký thỏa thuận</title>
  <link>https://example.org/a1</link>
  <guid isPermaLink="false">a-1</guid>
  <pubDate>Tue, 03 Jun 2025 08:30:00 +0700</pubDate>
  <description><![CDATA[<p>Hai nước <b>tăng cường</b> hợp tác.</p><script>alert("x")</script>
  <img src=x onerror=alert(1)>]]></description>
  <category>Ngoại giao</category>
</item>
<item>
  <title>Second</title>
  <link>https://example.org/a2</link>
  <description>Plain &amp; simple</description>
</item>
<item><description></description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Ministry news</title>
  <entry>
    <title>Talks in Geneva</title>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <link href="https://example.org/geneva"/>
    <updated>2025-01-02T03:04:05Z</updated>
    <author><name>Desk</name></author>
    <content type="html">&lt;p&gt;Delegations met.&lt;/p&gt;&lt;style&gt;p{}&lt;/style&gt;</content>
  </entry>
</feed>
"""


def _items(results: list[RawItem | Rejected]) -> list[RawItem]:
    return [r for r in results if isinstance(r, RawItem)]


def test_rss_entries_become_sanitised_article_items() -> None:
    results = list(feed_items(RSS.encode(), source="rss:test"))
    first, second = _items(results)
    assert first.kind == "article"
    assert first.external_id == "a-1"
    assert first.url == "https://example.org/a1"
    assert first.title == "Việt Nam và Nhật Bản ký thỏa thuận"
    assert first.text == "Hai nước tăng cường hợp tác."
    assert "alert" not in first.text
    assert "<" not in first.text
    assert first.published == datetime(2025, 6, 3, 1, 30, tzinfo=UTC)
    assert first.lang == "vi"
    assert first.extra["tags"] == ["Ngoại giao"]
    assert second.text == "Plain & simple"
    assert second.external_id == "https://example.org/a2"  # no GUID: the link
    assert [r.position for r in results if isinstance(r, Rejected)] == ["entry 3"]


def test_atom_entries_are_read_with_author_and_language() -> None:
    (item,) = _items(list(feed_items(ATOM.encode(), source="atom:test")))
    assert item.external_id == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert item.text == "Delegations met."
    assert item.author == "Desk"
    assert item.lang == "en"
    assert item.published == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_billion_laughs_is_refused_by_defusedxml() -> None:
    bomb = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title><item><title>x</title></item></channel></rss>"""
    (rejected,) = list(feed_items(bomb.encode(), source="rss:bomb"))
    assert isinstance(rejected, Rejected)
    assert "XML refused" in rejected.reason


def test_external_entities_are_refused() -> None:
    xxe = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>"""
    (rejected,) = list(feed_items(xxe.encode(), source="rss:xxe"))
    assert isinstance(rejected, Rejected)
    assert "XML refused" in rejected.reason


def test_entity_declarations_in_a_malformed_document_are_refused() -> None:
    broken = b'<<junk <!DOCTYPE r [<!ENTITY a "b">]><rss><channel><item><title>&a;</title></item>'
    (rejected,) = list(feed_items(broken, source="rss:broken"))
    assert isinstance(rejected, Rejected)
    assert "entity" in rejected.reason


def test_an_rss_091_doctype_without_entities_is_read() -> None:
    doc = """<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><item><title>Still here</title><link>https://example.org/o</link></item></channel></rss>"""
    (item,) = _items(list(feed_items(doc.encode(), source="rss:old")))
    assert item.title == "Still here"


def test_garbage_is_one_rejection_not_a_crash() -> None:
    (rejected,) = list(feed_items(b"\x00\x01 this is not a feed", source="rss:junk"))
    assert isinstance(rejected, Rejected)
    assert "malformed feed" in rejected.reason


def test_entries_past_the_limit_are_reported() -> None:
    items = "".join(f"<item><title>t{i}</title><guid>g{i}</guid></item>" for i in range(5))
    doc = f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
    results = list(feed_items(doc, source="rss:many", max_entries=3))
    assert len(_items(results)) == 3
    assert isinstance(results[-1], Rejected)
    assert "more than 3 entries" in results[-1].reason


def test_feed_file_connector_reads_a_file_and_reports_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    connector = FeedFileConnector(path)
    assert connector.key == f"rss:file:{path}"
    assert len(_items(list(connector.read()))) == 2
    (missing,) = list(FeedFileConnector(tmp_path / "nope.rss").read())
    assert isinstance(missing, Rejected)
    assert missing.position == "input"


def test_feed_file_over_the_cap_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.rss"
    path.write_text(RSS, encoding="utf-8")
    (rejected,) = list(FeedFileConnector(path, max_bytes=100).read())
    assert isinstance(rejected, Rejected)
    assert "larger than 100 bytes" in rejected.reason


def test_feed_url_uses_conditional_get_and_keeps_state(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    def feed(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.headers.get("if-none-match") == '"abc"':
            return 304, {}, b""
        headers = {
            "Content-Type": "application/rss+xml",
            "ETag": '"abc"',
            "Last-Modified": "Mon, 02 Jun 2025 00:00:00 GMT",
        }
        return 200, headers, RSS.encode()

    local_server.route("/feed.xml", feed)
    url = local_server.url("/feed.xml")
    connector = FeedConnector(url, fetcher=local_fetcher)
    assert connector.key == f"rss:{url}"
    assert len(_items(list(connector.read()))) == 2
    assert connector.state == FeedState(etag='"abc"', last_modified="Mon, 02 Jun 2025 00:00:00 GMT")
    stored = connector.state.as_dict()
    again = FeedConnector(url, fetcher=local_fetcher, state=FeedState.from_dict(stored))
    assert list(again.read()) == []
    assert again.not_modified
    assert local_server.requests[1].headers["if-modified-since"] == "Mon, 02 Jun 2025 00:00:00 GMT"


def test_feed_url_fetch_failure_is_one_rejection(local_server: LocalServer) -> None:
    connector = FeedConnector(local_server.url("/feed.xml"))  # not allowlisted
    (rejected,) = list(connector.read())
    assert isinstance(rejected, Rejected)
    assert rejected.position == local_server.url("/feed.xml")
    assert "not public" in rejected.reason
    assert local_server.requests == []


ARTICLE_PAGE = """<html lang="en"><head><title>Geneva talks</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Geneva talks</h1>
<p>{body}</p>
<script>document.write("tracking")</script>
<p>The ministry said the next round would take place in Ha Noi in the autumn, after consultations.</p>
</article><footer>Copyright</footer></body></html>"""


def test_full_text_replaces_the_summary_where_the_source_allows_it(
    local_server: LocalServer, local_fetcher: Fetcher
) -> None:
    body = "Delegations from both countries met for three days to discuss maritime cooperation. " * 6
    local_server.route("/page", ARTICLE_PAGE.format(body=body), Content_Type="text/html; charset=utf-8")
    local_server.route("/broken", b"\x89PNG...", Content_Type="image/png")
    feed = f"""<rss version="2.0"><channel><title>x</title>
<item><title>Talks</title><guid>t1</guid><link>{local_server.url("/page")}</link><description>Short.</description></item>
<item><title>Image</title><guid>t2</guid><link>{local_server.url("/broken")}</link><description>Kept.</description></item>
<item><title>Known</title><guid>t3</guid><link>{local_server.url("/page")}</link><description>Old.</description></item>
</channel></rss>"""
    local_server.route("/feed", feed, Content_Type="application/rss+xml")
    connector = FeedConnector(
        local_server.url("/feed"), fetcher=local_fetcher, full_text=True, is_known=lambda external: external == "t3"
    )
    full, image, known = _items(list(connector.read()))
    assert "maritime cooperation" in full.text
    assert "Ha Noi" in full.text
    assert "tracking" not in full.text
    assert "Home | World" not in full.text
    assert full.extra["full_text"] == "ok"
    assert full.extra["summary"] == "Short."
    assert image.text == "Kept."
    assert image.extra["full_text"].startswith("failed: not an HTML page")
    assert known.text == "Old."
    assert "full_text" not in known.extra
    assert [seen.path for seen in local_server.requests] == ["/feed", "/page", "/broken"]


# -- properties ---------------------------------------------------------------------------------------------


def _looks_like_mojibake(value: str) -> bool:
    try:
        return value.encode("latin-1").decode("utf-8") != value
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&\u200b\ufffe\uffff"), max_size=60
).filter(lambda s: s.strip())


@settings(max_examples=75, deadline=None)
@given(st.lists(st.tuples(safe_text, safe_text), min_size=1, max_size=5))
def test_generated_feeds_round_trip_titles_and_texts(entries: list[tuple[str, str]]) -> None:
    # feedparser repairs UTF-8 read as Latin-1 ("Ã©" -> "é"): text that is exactly such mojibake is left out.
    assume(not any(_looks_like_mojibake(part) for entry in entries for part in entry))
    body = "".join(
        f"<item><title>{escape(title)}</title><guid>id{index}</guid><description>{escape(text)}</description></item>"
        for index, (title, text) in enumerate(entries)
    )
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    items = _items(list(feed_items(doc.encode(), source="rss:prop")))
    assert [item.external_id for item in items] == [f"id{i}" for i in range(len(entries))]
    for item, (title, text) in zip(items, entries, strict=True):
        assert item.title.split() == unicodedata.normalize("NFC", title).split()
        assert item.text.split() == unicodedata.normalize("NFC", text).split()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for result in feed_items(data, source="rss:fuzz"):
        assert isinstance(result, RawItem | Rejected)
        if isinstance(result, RawItem):
            assert "<script" not in result.text.lower()


@settings(max_examples=50, deadline=None)
@given(safe_text)
def test_script_content_never_survives(marker: str) -> None:
    html = f"<p>visible</p><script>{marker}SECRET</script><style>{marker}STYLE</style>"
    entry = f"<item><guid>g</guid><description>{escape(html)}</description></item>"
    doc = f'<rss version="2.0"><channel>{entry}</channel></rss>'
    (item,) = _items(list(feed_items(doc.encode(), source="rss:prop")))
    assert item.text == "visible"


def test_relative_links_are_resolved_against_the_feed_url_but_ids_are_kept() -> None:
    doc = (
        b'<rss version="2.0"><channel><item><title>t</title><guid>g-1</guid><link>/news/1</link></item></channel></rss>'
    )
    (item,) = _items(list(feed_items(doc, source="rss:x", base_url="https://example.org/feed.xml")))
    assert item.url == "https://example.org/news/1"
    assert item.external_id == "g-1"


def test_a_single_page_is_one_article(local_server: LocalServer, local_fetcher: Fetcher) -> None:
    body = "The foreign ministers agreed on a joint statement about regional security and trade. " * 5
    local_server.route("/story", ARTICLE_PAGE.format(body=body), Content_Type="text/html")
    url = local_server.url("/story")
    (item,) = list(PageConnector(url, fetcher=local_fetcher).read())
    assert isinstance(item, RawItem)
    assert (item.source, item.external_id, item.title) == (f"page:{url}", url, "Geneva talks")
    assert "joint statement" in item.text
    assert "tracking" not in item.text
    (refused,) = list(PageConnector(url).read())  # the default fetcher does not allowlist loopback
    assert isinstance(refused, Rejected)
    assert refused.position == url
