"""Link cards: the title, description and image a page announces, fetched through the safe fetcher.

The page is fetched with the analytics package's :class:`~chancery_analytics.ingest.fetch.Fetcher` (public
addresses only unless allowlisted in ``CHANCERY_INTEL_FETCH_ALLOWLIST``, redirects re-checked, size and
time capped), and read for Open Graph (``og:title``, ``og:description``, ``og:image``), Twitter card and
plain HTML (``<title>``, ``<meta name="description">``) metadata. The image becomes a thumbnail without
metadata (:func:`chancery.outreach.media.thumbnail`). Bluesky embeds the card (``app.bsky.embed.external``);
Mastodon makes its own card from the first link in the text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from chancery.outreach.media import CleanImage, ImageUnusable, thumbnail

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
PAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_BYTES = 10 * 1024 * 1024


class CardUnavailable(ValueError):
    """The page could not be fetched or is not HTML; ``reason`` is safe to show."""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself: title, description and image address (absolute; "" when absent)."""

    title: str
    description: str
    image: str


@dataclass(frozen=True, slots=True)
class Card:
    """A fetched card: the link, its title and description, and its thumbnail (None when none fits)."""

    url: str
    title: str
    description: str
    thumb: CleanImage | None


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "meta":
            found = {name.lower(): (value or "") for name, value in attrs}
            key = (found.get("property") or found.get("name") or "").strip().lower()
            if key and "content" in found and key not in self.meta:
                self.meta[key] = found["content"]
        elif tag == "title" and not self.title:
            self._in_title = True
        elif tag == "body":
            self._done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self._done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < TITLE_MAX * 2:
            self.title += data


def _clean(value: str, limit: int) -> str:
    text = " ".join(html.unescape(value).split())
    text = "".join(char for char in text if char.isprintable())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_meta(markup: str, *, base_url: str) -> PageMeta:
    """Read a page's card metadata from its HTML (outside input: never raises; fields "" when absent)."""
    parser = _MetaParser()
    try:
        parser.feed(markup[:PAGE_MAX_BYTES])
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser on pathological markup
        pass
    meta = parser.meta

    def first(*keys: str) -> str:
        return next((meta[key] for key in keys if meta.get(key, "").strip()), "")

    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src").strip()
    absolute = urljoin(base_url, image) if image else ""
    if urlsplit(absolute).scheme not in {"http", "https"}:
        absolute = ""
    return PageMeta(
        title=_clean(first("og:title", "twitter:title") or parser.title, TITLE_MAX),
        description=_clean(first("og:description", "twitter:description", "description"), DESCRIPTION_MAX),
        image=absolute,
    )


def _fetcher(max_bytes: int) -> Any:
    from chancery_analytics.ingest.fetch import Fetcher, FetchPolicy

    allow = tuple(settings.INTEL_FETCH_ALLOWLIST)
    return Fetcher(FetchPolicy(allow=allow, max_bytes=max_bytes, total_timeout=20.0, timeout=10.0))


def card_fetch(url: str) -> Card:
    """Fetch ``url`` through the safe fetcher and return its card; raise CardUnavailable with a reason.

    A missing or unusable image is not an error: the card then has no thumbnail. Emits nothing.
    """
    from chancery_analytics.ingest.fetch import FetchError

    try:
        page = _fetcher(PAGE_MAX_BYTES).fetch(url)
    except FetchError as error:
        raise CardUnavailable(error.reason if hasattr(error, "reason") else str(error)) from error
    if page.content_type not in {"text/html", "application/xhtml+xml"}:
        msg = "the link is not a web page"
        raise CardUnavailable(msg)
    markup = page.content.decode(page.charset or "utf-8", errors="replace")
    meta = page_meta(markup, base_url=page.url)
    thumb = None
    if meta.image:
        try:
            picture = _fetcher(IMAGE_MAX_BYTES).fetch(meta.image)
            thumb = thumbnail(picture.content)
        except (FetchError, ImageUnusable, LookupError):
            thumb = None
    host = urlsplit(page.url).hostname or url
    return Card(url=url, title=meta.title or host, description=meta.description, thumb=thumb)
