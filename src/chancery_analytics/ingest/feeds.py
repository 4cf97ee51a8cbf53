"""RSS and Atom feeds: from a URL (conditional GET through the safe fetcher) or from a file.

feedparser reads the feed leniently; before it does, defusedxml checks the document so that entity
declarations (billion laughs, external entities) are refused. Entry HTML becomes plain text through nh3.
With ``full_text=True`` (a per-source choice: only where the publisher allows it) each entry's linked page is
fetched and its article text replaces the summary.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
import feedparser  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from chancery_analytics.ingest.article import ArticleExtractor, ExtractionError
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.fetch import Fetcher, FetchError
from chancery_analytics.ingest.records import DEFAULT_MAX_INPUT_BYTES, Input, InputError, Limits, input_open, item_check
from chancery_analytics.ingest.text import plain

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, */*;q=0.1"
DEFAULT_MAX_ENTRIES = 1000
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What a conditional GET needs next time: the feed's last ETag and Last-Modified. The caller persists it."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers (If-None-Match / If-Modified-Since) for this state."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def as_dict(self) -> dict[str, str | None]:
        """A JSON-able form, for storage."""
        return {"etag": self.etag, "last_modified": self.last_modified}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FeedState:
        """Rebuild from :meth:`as_dict`'s output (missing or non-string values count as absent)."""
        data = data or {}
        etag, modified = data.get("etag"), data.get("last_modified")
        return cls(
            etag=etag if isinstance(etag, str) and etag else None,
            last_modified=modified if isinstance(modified, str) and modified else None,
        )


class FeedRejected(Exception):
    """A feed document that cannot be parsed at all, or that declares XML entities."""


def xml_guard(raw: bytes) -> None:
    """Raise :class:`FeedRejected` if ``raw`` declares XML entities or external references (checked by defusedxml).

    A document that is merely malformed passes (feedparser reads it leniently) unless it declares entities.
    """
    try:
        SafeET.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedRejected(f"XML refused ({error.__class__.__name__})") from None
    except (ParseError, ValueError, SyntaxError):
        if _ENTITY_DECLARATION.search(raw):
            raise FeedRejected("XML refused (entity declaration in a malformed document)") from None


def _language(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", value.strip()):
        return value.strip()[:2].lower()
    return None


def _moment(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
    return None


def _body(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    values = [c.get("value", "") for c in contents if isinstance(c, Mapping) and isinstance(c.get("value"), str)]
    if values:
        return plain(max(values, key=len))
    return plain(entry.get("summary") or entry.get("description") or "")


def _http_url(value: object) -> str | None:
    return value if isinstance(value, str) and value.lower().startswith(("http://", "https://")) else None


def feed_items(
    raw: bytes,
    *,
    source: str,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_text_chars: int | None = None,
) -> Iterator[RawItem | Rejected]:
    """Parse feed bytes into ``article`` items; a bad entry or an unreadable feed becomes a :class:`Rejected`.

    ``headers`` are the HTTP response headers (their charset is used); ``base_url`` resolves relative links.
    Needs nothing; emits nothing.
    """
    position = base_url or "feed"
    try:
        xml_guard(raw)
    except FeedRejected as error:
        yield Rejected(source, position, str(error))
        return
    response_headers = dict(headers or {})
    # Relative links are resolved here, not by feedparser, which would also rewrite GUIDs (ids must not depend
    # on where the feed was fetched from).
    parsed = feedparser.parse(
        io.BytesIO(raw), response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        reason = parsed.get("bozo_exception").__class__.__name__
        yield Rejected(source, position, f"malformed feed ({reason})")
        return
    feed_meta = parsed.get("feed") or {}
    feed_lang = _language(feed_meta.get("language"))
    feed_title = plain(feed_meta.get("title"))
    for index, entry in enumerate(entries[:max_entries], start=1):
        where = f"entry {index}"
        try:
            item = _entry_item(entry, source=source, feed_lang=feed_lang, feed_title=feed_title, base_url=base_url)
        except (TypeError, ValueError, AttributeError) as error:
            yield Rejected(source, where, f"unreadable entry ({error.__class__.__name__})")
            continue
        if max_text_chars is not None and len(item.text) > max_text_chars:
            yield Rejected(source, where, f"text longer than {max_text_chars} characters")
            continue
        yield item_check(item, position=where)
    if len(entries) > max_entries:
        yield Rejected(source, f"entry {max_entries + 1}", f"feed has more than {max_entries} entries: rest skipped")


def _entry_item(
    entry: Mapping[str, Any], *, source: str, feed_lang: str | None, feed_title: str, base_url: str | None
) -> RawItem:
    link = entry.get("link")
    url = _http_url(urljoin(base_url, link) if base_url and isinstance(link, str) else link)
    title = plain(entry.get("title"))
    text = _body(entry)
    external = entry.get("id") or entry.get("guid") or url
    if not isinstance(external, str) or not external.strip():
        external = "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, Mapping) and isinstance(t.get("term"), str)]
    detail = entry.get("title_detail") or {}
    lang = _language(detail.get("language") if isinstance(detail, Mapping) else None) or feed_lang
    extra: dict[str, Any] = {"feed_title": feed_title}
    if tags:
        extra["tags"] = [plain(tag) for tag in tags][:50]
    return RawItem(
        source=source,
        kind="article",
        external_id=external.strip(),
        url=url,
        title=title,
        text=text,
        published=_moment(entry),
        lang=lang,
        author=plain(entry.get("author")) or None,
        extra=extra,
    )


class FeedFileConnector:
    """An RSS/Atom document on disk (or bytes), key ``rss:file:<path>`` unless ``source`` is given."""

    def __init__(
        self,
        data: Input,
        *,
        source: str | None = None,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.data = data
        self.key = source or ("rss:upload" if isinstance(data, bytes) else f"rss:file:{data}")
        self.limits = Limits(max_bytes=max_bytes)
        self.max_entries = max_entries

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield the feed's entries as items; a :class:`Rejected` for each bad entry or for an unreadable file."""
        try:
            with input_open(self.data, limits=self.limits) as stream:
                raw = stream.read(self.limits.max_bytes + 1)
        except InputError as error:
            yield Rejected(self.key, "input", error.reason)
            return
        if len(raw) > self.limits.max_bytes:
            yield Rejected(self.key, "input", f"feed larger than {self.limits.max_bytes} bytes")
            return
        yield from feed_items(raw, source=self.key, max_entries=self.max_entries)


class FeedConnector:
    """A feed URL polled with a conditional GET through the safe :class:`Fetcher`; key ``rss:<url>``.

    ``state`` is the :class:`FeedState` from the previous poll; after :meth:`read`, ``self.state`` holds the new
    one to persist and ``self.not_modified`` tells whether the server answered 304. With ``full_text`` each
    entry's page is fetched (skipped for entries ``is_known(external_id)`` says are stored already) and its
    article text replaces the summary; a page that fails keeps the summary and notes why in ``extra``.
    """

    def __init__(
        self,
        url: str,
        *,
        fetcher: Fetcher | None = None,
        state: FeedState | None = None,
        full_text: bool = False,
        is_known: Callable[[str], bool] | None = None,
        source: str | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.url = url
        self.key = source or f"rss:{url}"
        self.fetcher = fetcher or Fetcher()
        self.state = state or FeedState()
        self.full_text = full_text
        self.is_known = is_known
        self.max_entries = max_entries
        self.not_modified = False

    def read(self) -> Iterator[RawItem | Rejected]:
        """Fetch the feed (conditionally) and yield its items; a fetch failure is one :class:`Rejected`."""
        self.not_modified = False
        headers = {"Accept": FEED_ACCEPT, **self.state.headers()}
        try:
            result = self.fetcher.fetch(self.url, headers=headers)
        except FetchError as error:
            yield Rejected(self.key, self.url, error.reason)
            return
        if result.not_modified:
            self.not_modified = True
            return
        self.state = FeedState(
            etag=result.headers.get("etag") or None,
            last_modified=result.headers.get("last-modified") or None,
        )
        extractor = ArticleExtractor(self.fetcher) if self.full_text else None
        for entry in feed_items(
            result.content,
            source=self.key,
            base_url=result.url,
            headers=result.headers,
            max_entries=self.max_entries,
        ):
            if extractor is not None and isinstance(entry, RawItem):
                yield self._with_full_text(entry, extractor)
            else:
                yield entry

    def _with_full_text(self, item: RawItem, extractor: ArticleExtractor) -> RawItem:
        if item.url is None or (self.is_known is not None and self.is_known(item.external_id)):
            return item
        try:
            article = extractor.extract(item.url)
        except FetchError as error:
            note = f"failed: {error.reason}"
        except ExtractionError as error:
            note = f"failed: {error}"
        else:
            return replace(
                item,
                title=item.title or article.title,
                text=article.text,
                lang=item.lang or article.lang,
                author=item.author or article.author,
                extra={**item.extra, "full_text": "ok", "summary": item.text[:2000]},
            )
        return replace(item, extra={**item.extra, "full_text": note})
