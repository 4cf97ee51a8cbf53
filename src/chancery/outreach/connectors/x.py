"""X connector: API v2 with an OAuth 2.0 user access token (``tweet.read tweet.write users.read media.write``).

Publishing sends ``POST /2/tweets`` (text, an optional ``reply.in_reply_to_tweet_id`` and
``media.media_ids``) and then fetches the post back with ``GET /2/tweets/:id`` before returning it. X has
no idempotency key, so before creating a post the connector reads the account's recent posts
(``GET /2/users/:id/tweets``) and returns the one already carrying this text, if any: a retry after a
time-out never posts twice. X's own "duplicate content" refusal (HTTP 403) is resolved the same way.
Texts are compared after undoing what X does to them (``&amp;``-escaping, links rewritten to ``t.co``).

Every response's ``x-rate-limit-remaining`` / ``x-rate-limit-reset`` headers are kept on the connector;
a 429 becomes :class:`RateLimited` waiting until the reset time. Images are uploaded with
``POST /2/media/upload`` and given their alt text with ``POST /2/media/metadata``.

Engagement (``features`` has ``engagement``): counts from ``GET /2/tweets?ids=<id>`` with ``public_metrics``
and, where the token may read them (the account's own posts of the last 30 days), ``non_public_metrics``
whose ``impression_count`` is the reach; replies from ``GET /2/tweets/search/recent`` with the query
``conversation_id:<id>`` (X searches the last seven days); mentions from ``GET /2/users/:id/mentions``.
Pure: no Django.
"""

from __future__ import annotations

import html
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import regex

from chancery.outreach.connectors import engagement_parsing
from chancery.outreach.connectors.base import (
    DEFAULT_TIMEOUT,
    Published,
    json_object,
    matching_post_id,
    retry_after_seconds,
    send,
)
from chancery.outreach.connectors.content import CARDS, ENGAGEMENT, THREADS, Counts, LinkCard, ReplyTo, SocialPost
from chancery.outreach.connectors.errors import (
    CredentialsRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)
from chancery.outreach.connectors.media import MediaFile, MediaRefused, media_check
from chancery.outreach.limits import x_check
from chancery.platform.tls import client_ssl_context

PLATFORM = "x"
DEFAULT_API = "https://api.x.com"
DEFAULT_WEB = "https://x.com"
RECENT_POSTS = 20
LOOKBACK = timedelta(hours=48)  # a retry happens within hours; an older post with the same text is not this one
X_IMAGE_BYTES = 5_242_880  # tweet_image: 5 MB
ALT_TEXT_MAX = 1000  # X's alt text limit
MAX_ID_LENGTH = 40
_URL = regex.compile(r"https?://\S+")
_ID = regex.compile(r"[0-9]{1,40}")
SOCIAL_FIELDS = "author_id,created_at,lang,conversation_id,referenced_tweets"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The last rate-limit window X reported: calls left and when (epoch seconds) the window resets."""

    remaining: int | None
    reset: int | None


@dataclass(frozen=True, slots=True)
class XUser:
    """The authenticated user (``GET /2/users/me``)."""

    user_id: str
    username: str


@dataclass(frozen=True, slots=True)
class XPost:
    """A post as X returns it (``data.id`` and ``data.text``)."""

    post_id: str
    text: str


def _data(body: bytes, *, what: str) -> dict[str, Any]:
    data = json_object(body).get("data")
    if not isinstance(data, dict):
        msg = f"x {what}: missing 'data'"
        raise MalformedResponse(msg)
    return data


def _id(value: object, *, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        msg = f"x {what}: missing or invalid id"
        raise MalformedResponse(msg)
    return value


def x_post(body: bytes) -> XPost:
    """Parse ``POST /2/tweets`` or ``GET /2/tweets/:id`` into the post's id and text (MalformedResponse)."""
    data = _data(body, what="post")
    text = data.get("text")
    if not isinstance(text, str):
        msg = "x post: missing 'text'"
        raise MalformedResponse(msg)
    return XPost(post_id=_id(data.get("id"), what="post"), text=text)


def x_user(body: bytes) -> XUser:
    """Parse ``GET /2/users/me`` into the user's id and username (MalformedResponse)."""
    data = _data(body, what="user")
    username = data.get("username")
    if not isinstance(username, str) or not regex.fullmatch(r"\w{1,50}", username):
        msg = "x user: missing or invalid username"
        raise MalformedResponse(msg)
    return XUser(user_id=_id(data.get("id"), what="user"), username=username)


def x_posts(body: bytes) -> list[XPost]:
    """Parse ``GET /2/users/:id/tweets`` (``data`` is absent when the account has no posts)."""
    payload = json_object(body)
    data = payload.get("data", [])
    if not isinstance(data, list):
        msg = "x timeline: 'data' is not a list"
        raise MalformedResponse(msg)
    posts = []
    for entry in data:
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(text, str):
            msg = "x timeline: an entry has no text"
            raise MalformedResponse(msg)
        posts.append(XPost(post_id=_id(entry.get("id"), what="timeline"), text=text))
    return posts


def x_media_id(body: bytes) -> str:
    """Parse ``POST /2/media/upload`` into the media id to attach (MalformedResponse)."""
    return _id(_data(body, what="media").get("id"), what="media")


def x_error_detail(body: bytes) -> str:
    """Return the ``detail`` (or ``title``) of an X problem response, ``""`` when there is none."""
    try:
        data = json_object(body)
    except MalformedResponse:
        return ""
    for key in ("detail", "title"):
        value = data.get(key)
        if isinstance(value, str):
            return value[:200]
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        message = errors[0].get("message") or errors[0].get("detail")
        if isinstance(message, str):
            return message[:200]
    return ""


def comparable(text: str) -> str:
    """Return ``text`` as X would store it, for comparison: unescaped, NFC, every URL replaced by a mark."""
    return _URL.sub("<url>", unicodedata.normalize("NFC", html.unescape(text))).strip()


def post_url(*, web_base: str, username: str, post_id: str) -> str:
    """Return the public URL of a post (``<web_base>/<username>/status/<id>``)."""
    return f"{web_base.rstrip('/')}/{username}/status/{post_id}"


class XConnector:
    """Publishing on one X account (API ``base_url``, an OAuth 2.0 user access token)."""

    features = frozenset({THREADS, CARDS, ENGAGEMENT})

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_API,
        access_token: str,
        web_base: str = DEFAULT_WEB,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.web_base = web_base or DEFAULT_WEB
        self.rate_limit = RateLimit(remaining=None, reset=None)
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            follow_redirects=False,
            verify=client_ssl_context(),
        )
        self._user: XUser | None = None
        self._non_public = True  # until X refuses non_public_metrics to this token

    def max_characters(self) -> int | None:
        """X's limit is fixed (weighted 280, see :mod:`chancery.outreach.limits`)."""
        return None

    def _note_rate_limit(self, response: httpx.Response) -> None:
        remaining = response.headers.get("x-rate-limit-remaining", "")
        reset = response.headers.get("x-rate-limit-reset", "")
        self.rate_limit = RateLimit(
            remaining=int(remaining) if remaining.isascii() and remaining.isdigit() else None,
            reset=int(reset) if reset.isascii() and reset.isdigit() else None,
        )

    def _check(self, response: httpx.Response) -> None:
        """Keep the rate-limit headers, then map an error response to a typed ConnectorError."""
        self._note_rate_limit(response)
        status = response.status_code
        if status < 400:
            return
        if status == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is None and self.rate_limit.reset is not None:
                wait = max(0, self.rate_limit.reset - int(time.time()))
            raise RateLimited(f"{PLATFORM}: rate limited (HTTP 429)", retry_after=wait)
        if status == 401:
            msg = f"{PLATFORM}: access token expired or revoked (HTTP 401); re-authorise the account"
            raise CredentialsRejected(msg)
        if status >= 500:
            raise PlatformUnavailable(f"{PLATFORM}: platform error (HTTP {status})")
        detail = x_error_detail(response.content)
        raise Rejected(f"{PLATFORM}: request refused (HTTP {status})" + (f": {detail}" if detail else ""))

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = send(self._client, method, f"{self.base_url}{path}", platform=PLATFORM, **kwargs)
        self._check(response)
        return response

    def me(self) -> XUser:
        """Return the account's user id and username (``GET /2/users/me``, cached)."""
        if self._user is None:
            self._user = x_user(self._call("GET", "/2/users/me").content)
        return self._user

    def fetch(self, post_id: str) -> Published:
        """Fetch a post back by id (``GET /2/tweets/:id``) and return its URL and text."""
        response = self._call("GET", f"/2/tweets/{post_id}", params={"tweet.fields": "text,author_id"})
        post = x_post(response.content)
        url = post_url(web_base=self.web_base, username=self.me().username, post_id=post.post_id)
        return Published(remote_id=post.post_id, url=url, text=post.text)

    def recent(self) -> list[XPost]:
        """Return the account's posts of the last 48 hours, newest first (``GET /2/users/:id/tweets``)."""
        user = self.me()
        since = (datetime.now(UTC) - LOOKBACK).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        params = {"max_results": RECENT_POSTS, "tweet.fields": "text", "start_time": since}
        response = self._call("GET", f"/2/users/{user.user_id}/tweets", params=params)
        return x_posts(response.content)

    def _already_posted(self, text: str) -> str:
        """Return the id of a recent post carrying ``text`` ("" when there is none)."""
        return matching_post_id(text, ((post.post_id, post.text) for post in self.recent()), comparable)

    def upload(self, item: MediaFile) -> str:
        """Upload one image (``POST /2/media/upload``), set its alt text (``/2/media/metadata``); return its id."""
        response = self._call(
            "POST",
            "/2/media/upload",
            files={"media": ("image", item.data, item.mime_type)},
            data={"media_category": "tweet_image", "media_type": item.mime_type},
        )
        media_id = x_media_id(response.content)
        self._call("POST", "/2/media/metadata", json={"id": media_id, "metadata": {"alt_text": {"text": item.alt}}})
        return media_id

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
        """Post ``text`` once (a recent post with the same text is taken as this one), fetch it back, return it.

        ``reply_to`` names the post answered (a thread's next part); ``card`` is not sent: X builds its own
        card from the first link in the text. Raises ConnectorError: Rejected before any
        request when the text is over X's weighted 280; MediaRefused when an image has no alt text, a
        longer one than X takes, or cannot be sent. ``language`` and ``idempotency_key`` are not sent
        (X detects the language and has no idempotency key).
        """
        check = x_check(text)
        if not check.ok:
            raise Rejected(f"{PLATFORM}: {check.length}/{check.limit} weighted characters")
        media_check(media, platform=PLATFORM, max_bytes=X_IMAGE_BYTES)
        for number, item in enumerate(media, start=1):
            if len(item.alt) > ALT_TEXT_MAX:
                raise MediaRefused(f"{PLATFORM}: image {number}'s alt text is longer than {ALT_TEXT_MAX} characters")
        post_id = self._already_posted(text)
        if not post_id:
            payload: dict[str, Any] = {"text": text}
            if reply_to is not None:
                payload["reply"] = {"in_reply_to_tweet_id": reply_to.parent_id}
            if media:
                payload["media"] = {"media_ids": [self.upload(item) for item in media]}
            try:
                response = self._call("POST", "/2/tweets", json=payload)
            except Rejected as error:
                if response_is_duplicate(error.message) and (post_id := self._already_posted(text)):
                    return self._verified(post_id, text)
                raise
            post_id = x_post(response.content).post_id
        return self._verified(post_id, text)

    def counts(self, remote_id: str) -> Counts:
        """Return the post's likes, reposts, replies, quotes and (where X reports it) impressions now.

        Asks for ``non_public_metrics`` too until X refuses them to this token, then only for
        ``public_metrics``. Raises Rejected when the post is gone, other ConnectorErrors as usual.
        """
        post_id = _id(remote_id, what="post")
        response = None
        if self._non_public:
            try:
                fields = "public_metrics,non_public_metrics"
                response = self._call("GET", "/2/tweets", params={"ids": post_id, "tweet.fields": fields})
            except Rejected:  # the token may not read non-public metrics of this post
                self._non_public = False
        if response is None:
            response = self._call("GET", "/2/tweets", params={"ids": post_id, "tweet.fields": "public_metrics"})
        counts = engagement_parsing.x_counts(response.content, post_id=post_id)
        if counts is None:
            msg = f"{PLATFORM}: the post is no longer on X"
            raise Rejected(msg)
        return counts

    def replies(self, remote_id: str) -> list[SocialPost]:
        """Return the replies in the post's conversation (``GET /2/tweets/search/recent``, last 7 days)."""
        params = {
            "query": f"conversation_id:{_id(remote_id, what='post')}",
            "max_results": "100",
            "tweet.fields": SOCIAL_FIELDS,
            "expansions": "author_id",
            "user.fields": "username",
        }
        response = self._call("GET", "/2/tweets/search/recent", params=params)
        return engagement_parsing.x_social_posts(response.content, kind="reply", web_base=self.web_base)

    def mentions(self, *, limit: int = 40) -> list[SocialPost]:
        """Return the newest mentions of the account (``GET /2/users/:id/mentions``)."""
        params = {
            "max_results": str(min(100, max(5, limit))),
            "tweet.fields": SOCIAL_FIELDS,
            "expansions": "author_id",
            "user.fields": "username",
        }
        response = self._call("GET", f"/2/users/{self.me().user_id}/mentions", params=params)
        return engagement_parsing.x_social_posts(response.content, kind="mention", web_base=self.web_base)

    def _verified(self, post_id: str, text: str) -> Published:
        fetched = self.fetch(post_id)
        if comparable(fetched.text) != comparable(text):
            msg = f"{PLATFORM}: the post fetched back differs from the text sent"
            raise MalformedResponse(msg)
        return fetched


def response_is_duplicate(message: str) -> bool:
    """True when X refused a post as duplicate content (HTTP 403 "...duplicate content.")."""
    return "HTTP 403" in message and "duplicate content" in message.lower()
