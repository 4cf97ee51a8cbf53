"""Publishing connectors behind one interface (:class:`~chancery.outreach.connectors.base.Connector`).

Mastodon and Bluesky publish; X and Facebook have limit checks only and no publishing connector yet
(:func:`connector_for` raises ``NotImplementedConnector`` for them). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping

from chancery.outreach.connectors.base import DEFAULT_TIMEOUT, Connector, Published
from chancery.outreach.connectors.bluesky import BlueskyConnector
from chancery.outreach.connectors.errors import ConnectorError, NotImplementedConnector
from chancery.outreach.connectors.mastodon import MastodonConnector
from chancery.outreach.platforms import Platform

__all__ = ["Connector", "ConnectorError", "Published", "connector_for"]


def connector_for(
    platform: str,
    *,
    base_url: str,
    credentials: Mapping[str, str],
    web_base: str = "",
    timeout: float = DEFAULT_TIMEOUT,
) -> Connector:
    """Return the connector for an account; needs its platform, base URL and opened credentials."""
    if platform == Platform.MASTODON:
        return MastodonConnector(base_url=base_url, access_token=credentials.get("access_token", ""), timeout=timeout)
    if platform == Platform.BLUESKY:
        return BlueskyConnector(
            base_url=base_url,
            identifier=credentials.get("identifier", ""),
            app_password=credentials.get("app_password", ""),
            web_base=web_base or "https://bsky.app",
            timeout=timeout,
        )
    msg = f"{platform}: publishing is not implemented yet"
    raise NotImplementedConnector(msg)
