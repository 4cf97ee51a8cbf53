"""The one interface every publishing connector implements, and the HTTP error mapping they share.

A connector publishes a text with a caller-chosen idempotency key (so that a retry after a time-out never
posts twice), then fetches the post back from the platform and returns what the platform now shows; only
then may the caller mark the target published. Pure: no Django.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from chancery.outreach.connectors.errors import (
    ConnectionFailed,
    CredentialsRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)

if TYPE_CHECKING:
    from chancery.outreach.connectors.media import MediaFile

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Published:
    """A post as fetched back from the platform: its id there, its public URL and its text as stored.

    ``cid`` is the content hash a Bluesky reply must name with the at-URI ("" on other platforms).
    """

    remote_id: str
    url: str
    text: str
    cid: str = ""


class Connector(Protocol):
    """Publishing on one account of one platform."""

    def max_characters(self) -> int | None:
        """Return the limit the platform reports (Mastodon) or None when it is fixed by the platform."""
        ...

    def publish(self, *, text: str, language: str, idempotency_key: str, media: Sequence[MediaFile] = ()) -> Published:
        """Post ``text`` and ``media`` once per ``idempotency_key``, fetch the post back and return it.

        Raises ConnectorError; MediaRefused before any request for an image without alt text.
        """
        ...


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> int | None:
    """Parse a ``Retry-After`` header (delay-seconds or HTTP-date, RFC 9110 10.2.3); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int((when - (now or datetime.now(UTC))).total_seconds()))


def json_object(body: bytes) -> dict[str, Any]:
    """Decode a JSON object response body or raise MalformedResponse."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        msg = "the platform's response is not JSON"
        raise MalformedResponse(msg) from error
    if not isinstance(data, dict):
        msg = "the platform's response is not a JSON object"
        raise MalformedResponse(msg)
    return data


def raise_for_status(response: httpx.Response, *, platform: str) -> None:
    """Map an error response to a typed ConnectorError (429, 401, 5xx, other 4xx); return on 2xx."""
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        retry = retry_after_seconds(response.headers.get("retry-after"))
        raise RateLimited(f"{platform}: rate limited (HTTP 429)", retry_after=retry)
    if status == 401:
        raise CredentialsRejected(f"{platform}: credentials rejected (HTTP 401); reconnect the account")
    if status >= 500:
        raise PlatformUnavailable(f"{platform}: platform error (HTTP {status})")
    raise Rejected(f"{platform}: request refused (HTTP {status})")


def send(client: httpx.Client, method: str, url: str, *, platform: str, **kwargs: Any) -> httpx.Response:
    """Send one request, mapping time-outs and broken connections to ConnectionFailed."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException as error:
        raise ConnectionFailed(f"{platform}: time-out") from error
    except httpx.HTTPError as error:
        raise ConnectionFailed(f"{platform}: connection failed") from error


def matching_post_id(text: str, posts: Iterable[tuple[str, str]], comparable: Callable[[str], str]) -> str:
    """Return the id of the first ``(id, text)`` in ``posts`` equal to ``text`` under ``comparable`` ("" if none).

    How a connector finds a post it already published when a time-out left the outcome unknown.
    """
    wanted = comparable(text)
    return next((post_id for post_id, body in posts if comparable(body) == wanted), "")
