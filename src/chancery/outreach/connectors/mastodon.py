"""Mastodon connector: REST API with a bearer access token (OAuth 2 app token with ``write:statuses``).

Publishing sends ``POST /api/v1/statuses`` with an ``Idempotency-Key`` header (Mastodon returns the same
status for the same key for an hour, so a retry after a time-out never posts twice), then fetches the
status back with ``GET /api/v1/statuses/:id``. The limit comes from ``GET /api/v1/instance``. Images are
uploaded first with ``POST /api/v2/media`` (multipart ``file`` and ``description``, the alt text) and
attached by ``media_ids``.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from chancery.outreach.connectors import engagement_parsing, parsing
from chancery.outreach.connectors.base import DEFAULT_TIMEOUT, Published, raise_for_status, send
from chancery.outreach.connectors.content import CARDS, ENGAGEMENT, THREADS, Counts, LinkCard, ReplyTo, SocialPost
from chancery.outreach.connectors.errors import MalformedResponse
from chancery.outreach.connectors.media import MASTODON_IMAGE_BYTES, MediaFile, media_check
from chancery.platform.tls import client_ssl_context

PLATFORM = "mastodon"


class MastodonConnector:
    """Publishing on one Mastodon account (``base_url`` of the instance, an access token)."""

    features = frozenset({THREADS, CARDS, ENGAGEMENT})

    def __init__(self, *, base_url: str, access_token: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            follow_redirects=False,
            verify=client_ssl_context(),
        )

    def max_characters(self) -> int | None:
        """Return the instance's ``configuration.statuses.max_characters`` (raises ConnectorError)."""
        response = send(self._client, "GET", f"{self.base_url}/api/v1/instance", platform=PLATFORM)
        raise_for_status(response, platform=PLATFORM)
        return parsing.mastodon_max_characters(response.content)

    def fetch(self, status_id: str) -> Published:
        """Fetch a status back by id and return its URL and content."""
        response = send(self._client, "GET", f"{self.base_url}/api/v1/statuses/{status_id}", platform=PLATFORM)
        raise_for_status(response, platform=PLATFORM)
        status = parsing.mastodon_status(response.content)
        return Published(remote_id=status.status_id, url=status.url, text=status.content)

    def upload(self, item: MediaFile) -> str:
        """Upload one image with its alt text as ``description`` (``POST /api/v2/media``); return its id."""
        response = send(
            self._client,
            "POST",
            f"{self.base_url}/api/v2/media",
            platform=PLATFORM,
            files={"file": ("image", item.data, item.mime_type)},
            data={"description": item.alt},
        )
        raise_for_status(response, platform=PLATFORM)
        return parsing.mastodon_media_id(response.content)

    def publish(
        self,
        *,
        text: str,
        language: str,
        idempotency_key: str,
        media: Sequence[MediaFile] = (),
        reply_to: ReplyTo | None = None,
        card: LinkCard | None = None,
    ) -> Published:
        """Post a public status once per key (images uploaded first), fetch it back and return it.

        Raises ConnectorError; MediaRefused before any request when an image has no alt text or cannot
        be sent. A retry may upload an image again, but the status is created once per key. ``reply_to``
        makes it the next part of a thread (``in_reply_to_id``); ``card`` is not sent: Mastodon builds
        its own preview from the first link in the text.
        """
        del card
        media_check(media, platform=PLATFORM, max_bytes=MASTODON_IMAGE_BYTES)
        payload: dict[str, object] = {"status": text, "visibility": "public", "language": language}
        if reply_to is not None:
            payload["in_reply_to_id"] = reply_to.parent_id
        if media:
            payload["media_ids"] = [self.upload(item) for item in media]
        response = send(
            self._client,
            "POST",
            f"{self.base_url}/api/v1/statuses",
            platform=PLATFORM,
            json=payload,
            headers={"Idempotency-Key": idempotency_key},
        )
        raise_for_status(response, platform=PLATFORM)
        created = parsing.mastodon_status(response.content)
        fetched = self.fetch(created.status_id)
        if fetched.remote_id != created.status_id:
            msg = "mastodon: the status fetched back is not the one created"
            raise MalformedResponse(msg)
        return fetched

    def counts(self, remote_id: str) -> Counts:
        """Return the status's favourites, reblogs and replies now (``GET /api/v1/statuses/:id``)."""
        response = send(self._client, "GET", f"{self.base_url}/api/v1/statuses/{remote_id}", platform=PLATFORM)
        raise_for_status(response, platform=PLATFORM)
        return engagement_parsing.mastodon_counts(response.content)

    def replies(self, remote_id: str) -> list[SocialPost]:
        """Return the replies below the status (``GET /api/v1/statuses/:id/context``, its descendants)."""
        url = f"{self.base_url}/api/v1/statuses/{remote_id}/context"
        response = send(self._client, "GET", url, platform=PLATFORM)
        raise_for_status(response, platform=PLATFORM)
        return engagement_parsing.mastodon_replies(response.content)

    def mentions(self, *, limit: int = 40) -> list[SocialPost]:
        """Return the newest mentions of the account (``GET /api/v1/notifications?types[]=mention``)."""
        response = send(
            self._client,
            "GET",
            f"{self.base_url}/api/v1/notifications",
            platform=PLATFORM,
            params={"types[]": "mention", "limit": str(limit)},
        )
        raise_for_status(response, platform=PLATFORM)
        return engagement_parsing.mastodon_mentions(response.content)
