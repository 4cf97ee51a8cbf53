"""Choosing a connector for a file path or a feed URL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chancery_analytics.ingest.base import Connector
    from chancery_analytics.ingest.fetch import Fetcher


def connector_for(spec: str, *, fetcher: Fetcher | None = None, **options: Any) -> Connector:
    """Return the connector that reads ``spec``: an http(s) feed URL or a local file path.

    Files are recognised by name (GDELT ``*.export.CSV[.zip]`` / ``*.gkg.csv[.zip]``), by extension (.rss, .atom,
    .xml, .json, .jsonl, .csv) and by sniffing their first bytes; ``format=`` forces one. ``options`` go to the
    connector (e.g. ``mapping=`` for uploads, ``state=``/``full_text=`` for feeds). URLs are fetched only through
    ``fetcher`` (a default, non-allowlisting :class:`Fetcher` when None). Raises ``ValueError`` for a spec no
    connector reads. Emits nothing.
    """
    from chancery_analytics.ingest.sniff import connector_resolve

    return connector_resolve(spec, fetcher=fetcher, **options)
