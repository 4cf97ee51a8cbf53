"""The one connector interface: what every source yields (:class:`RawItem` or :class:`Rejected`) and the item hash.

A connector reads one source (a file, a dump, a feed URL) and yields items one at a time; a record it cannot
read becomes a :class:`Rejected` naming where it was and why, and reading goes on. Item text is always plain
text, already sanitised: no connector ever hands out raw HTML.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

Kind = Literal["article", "social", "event", "indicator"]
KINDS: tuple[str, ...] = ("article", "social", "event", "indicator")


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item read from a source, before enrichment.

    ``source`` is the connector's key (e.g. ``"rss:https://example.org/feed"``); ``external_id`` is stable within
    the source (a GUID, a tweet id, a URL); ``text`` is plain, sanitised text; ``published`` is timezone-aware
    UTC when known; ``extra`` holds connector-specific, JSON-able fields.
    """

    source: str
    kind: str  # "article" | "social" | "event" | "indicator"
    external_id: str
    url: str | None
    title: str
    text: str
    published: datetime | None
    lang: str | None = None
    author: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that was skipped: the source key, where it was (line number, entry index or URL) and why."""

    source: str
    position: str
    reason: str


@runtime_checkable
class Connector(Protocol):
    """A source of items: ``key`` names it, ``read()`` yields items and rejections, never raising on content."""

    key: str

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield every item of the source, a :class:`Rejected` for each record that could not be read."""
        ...


def _normalise(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def content_hash(item: RawItem) -> str:
    """The SHA-256 hex digest of the item's normalised title and text (NFC, case-folded, whitespace collapsed).

    Two items with the same words in the same order hash alike whatever their spacing, case or Unicode form,
    so re-ingesting the same story is recognisable. Needs nothing else; emits nothing.
    """
    payload = _normalise(item.title) + "\n" + _normalise(item.text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
