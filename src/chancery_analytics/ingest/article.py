"""An article's full text from its web page: fetched by the safe :class:`Fetcher`, extracted by trafilatura.

Used by feed connectors for sources that allow it (``full_text=True``) and by :class:`PageConnector` for a
single page. trafilatura parses the page with lxml's HTML parser (no XML entities); its text is passed through
the nh3-based :func:`~chancery_analytics.ingest.text.plain` like every other text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura

from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.fetch import Fetcher, FetchError
from chancery_analytics.ingest.records import item_check
from chancery_analytics.ingest.text import MAX_TEXT_CHARS, UndecodableError, bytes_decode, date_parse, plain

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class ExtractionError(Exception):
    """A page that was fetched but holds no article text (not HTML, undecodable, nothing extractable)."""


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What trafilatura found on a page: title, plain text and, when the page says, language, date, author."""

    url: str
    title: str
    text: str
    lang: str | None
    published: str | None
    author: str | None


def article_from_html(markup: str, *, url: str | None = None) -> ArticleText | None:
    """Extract the main text of an HTML page (navigation, scripts, comments left out); None when there is none.

    Needs nothing; emits nothing.
    """
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except (ValueError, TypeError, AttributeError, LookupError):
        return None
    if document is None or isinstance(document, dict):
        return None
    text = plain(document.text or "")
    if not text:
        return None
    lang = document.language if isinstance(document.language, str) else None
    return ArticleText(
        url=url or "",
        title=plain(document.title or ""),
        text=text,
        lang=lang[:2].lower() if lang else None,
        published=document.date if isinstance(document.date, str) else None,
        author=plain(document.author) or None,
    )


def html_decode(content: bytes, *, declared: str | None) -> str:
    """Decode an HTML page: the HTTP charset, else a ``<meta charset>`` in its first 4 KiB, else detection."""
    if not declared:
        match = _META_CHARSET.search(content[:4096])
        declared = match.group(1).decode("ascii") if match else None
    return bytes_decode(content, declared=declared)


class ArticleExtractor:
    """Fetch a page through ``fetcher`` and extract its article; raises FetchError or ExtractionError."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    def extract(self, url: str) -> ArticleText:
        """The article at ``url``. Needs the fetcher's network access; emits one (or, redirected, a few) GETs."""
        result = self.fetcher.fetch(url, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
        if result.content_type not in HTML_TYPES:
            raise ExtractionError(f"not an HTML page ({result.content_type})")
        try:
            markup = html_decode(result.content, declared=result.charset)
        except UndecodableError as error:
            raise ExtractionError(str(error)) from None
        article = article_from_html(markup, url=result.url)
        if article is None:
            raise ExtractionError("no article text found on the page")
        if len(article.text) > MAX_TEXT_CHARS:
            raise ExtractionError(f"article longer than {MAX_TEXT_CHARS} characters")
        return article


class PageConnector:
    """One web page as one ``article`` item (key ``page:<url>``), fetched safely and extracted by trafilatura."""

    def __init__(self, url: str, *, fetcher: Fetcher | None = None, source: str | None = None) -> None:
        self.url = url
        self.key = source or f"page:{url}"
        self.extractor = ArticleExtractor(fetcher or Fetcher())

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield the page's article, or one :class:`Rejected` naming the URL and why it could not be read."""
        try:
            article = self.extractor.extract(self.url)
        except (FetchError, ExtractionError) as error:
            yield Rejected(self.key, self.url, getattr(error, "reason", str(error)))
            return
        item = RawItem(
            source=self.key,
            kind="article",
            external_id=article.url or self.url,
            url=article.url or self.url,
            title=article.title,
            text=article.text,
            published=date_parse(article.published),
            lang=article.lang,
            author=article.author,
            extra={"extraction": "trafilatura"},
        )
        yield item_check(item, position=self.url)
