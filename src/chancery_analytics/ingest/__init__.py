"""Connectors: read news feeds, social-media dumps, GDELT files, economic indicators and uploads into items.

Every connector yields :class:`RawItem` (plain, sanitised text) or :class:`Rejected` (a record skipped, with its
reason). :func:`connector_for` picks the connector for a file path or an http(s) feed URL; network access goes
only through :class:`~chancery_analytics.ingest.fetch.Fetcher`, which refuses private addresses unless
allowlisted. Pure code: no Django.
"""

from chancery_analytics.ingest.base import Connector, RawItem, Rejected, content_hash
from chancery_analytics.ingest.dispatch import connector_for
from chancery_analytics.ingest.fetch import Fetcher, FetchError, FetchPolicy, FetchResult

__all__ = [
    "Connector",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "RawItem",
    "Rejected",
    "connector_for",
    "content_hash",
]
