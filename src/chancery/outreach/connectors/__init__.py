"""Publishing connectors behind one interface (:class:`~chancery.outreach.connectors.base.Connector`).

Mastodon, Bluesky, X (API v2) and Facebook Pages (Graph API) publish; :func:`connector_for` raises
``NotImplementedConnector`` for any other platform name.
"""

from __future__ import annotations

from collections.abc import Mapping

from chancery.outreach.connectors.base import DEFAULT_TIMEOUT, Connector, Published
from chancery.outreach.connectors.bluesky import BlueskyConnector
from chancery.outreach.connectors.errors import ConnectorError, NotImplementedConnector
from chancery.outreach.connectors.facebook import FacebookConnector
from chancery.outreach.connectors.mastodon import MastodonConnector
from chancery.outreach.connectors.x import XConnector
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
    if platform == Platform.X:
        return XConnector(
            base_url=base_url,
            access_token=credentials.get("access_token", ""),
            web_base=web_base or "https://x.com",
            timeout=timeout,
        )
    if platform == Platform.FACEBOOK:
        return FacebookConnector(
            base_url=base_url,
            page_id=credentials.get("page_id", ""),
            page_access_token=credentials.get("page_access_token", ""),
            timeout=timeout,
        )
    msg = f"{platform}: publishing is not implemented yet"
    raise NotImplementedConnector(msg)
