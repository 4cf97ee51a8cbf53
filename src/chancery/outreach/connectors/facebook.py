"""Facebook Pages connector: the Graph API with a Page access token (``pages_manage_posts``).

Publishing sends ``POST /{page-id}/feed`` (``message``, and the first URL of the text as ``link`` so the
page shows a link card), then fetches the post back with ``GET /{post-id}?fields=id,message,permalink_url``
and only then returns it. The Graph API has no idempotency key, so before creating a post the connector
reads the page's recent posts (``GET /{page-id}/published_posts``) and returns the one already carrying
this text: a retry after a time-out never posts twice. Images are uploaded unpublished to
``/{page-id}/photos`` with their ``alt_text_custom`` and attached with ``attached_media``.

Graph error objects (``{"error": {"code": ..., "error_subcode": ..., "message": ...}}``) are mapped to
typed errors: code 190 (expired or revoked token) and 10/200-299 (missing permission) to
:class:`CredentialsRejected`; 4, 17, 32 and 613 (rate limits) to :class:`RateLimited`; 1 and 2 (temporary)
to :class:`PlatformUnavailable`; 506 (duplicate post) is resolved by finding the existing post; the rest
to :class:`Rejected`.

Engagement (``features`` has ``engagement``): ``GET /{post-id}?fields=reactions.summary(total_count),
comments.summary(total_count),shares`` for the counts, ``GET /{post-id}/insights?metric=
post_impressions_unique`` for the reach (None when the insights are refused, e.g. without
``read_insights``), ``GET /{post-id}/comments`` for the replies and ``GET /{page-id}/tagged`` for the
posts mentioning the page. Pure: no Django.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
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
from chancery.outreach.connectors.content import CARDS, ENGAGEMENT, Counts, LinkCard, ReplyTo, SocialPost
from chancery.outreach.connectors.errors import (
    ConnectorError,
    CredentialsRejected,
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
    Rejected,
)
from chancery.outreach.connectors.media import MediaFile, media_check
from chancery.outreach.limits import FACEBOOK_MAX
from chancery.platform.tls import client_ssl_context

PLATFORM = "facebook"
GRAPH_VERSION = "v23.0"
DEFAULT_GRAPH = f"https://graph.facebook.com/{GRAPH_VERSION}"
RECENT_POSTS = 25
LOOKBACK_SECONDS = 48 * 3600  # a retry happens within hours; an older post with the same text is not this one
FACEBOOK_IMAGE_BYTES = 4_000_000  # Page photo uploads: 4 MB
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
TOKEN_CODES = frozenset({102, 190})
TEMPORARY_CODES = frozenset({1, 2})
DUPLICATE_CODE = 506
COUNT_FIELDS = "reactions.summary(total_count),comments.summary(total_count),shares"
SOCIAL_FIELDS = "id,message,from,created_time,permalink_url"
_URL = regex.compile(r"https?://\S+")
_GRAPH_ID = regex.compile(r"[0-9]{1,40}(?:_[0-9]{1,40})?")


@dataclass(frozen=True, slots=True)
class GraphError:
    """A Graph API error object: its ``code``, ``error_subcode`` (0 if absent) and ``message``."""

    code: int
    subcode: int
    message: str


@dataclass(frozen=True, slots=True)
class PagePost:
    """A page post as the Graph API returns it."""

    post_id: str
    message: str
    permalink_url: str


def graph_error(body: bytes) -> GraphError | None:
    """Return the error object of a Graph API response body (None when the body is not one)."""
    try:
        data = json_object(body)
    except MalformedResponse:
        return None
    error = data.get("error")
    if not isinstance(error, dict):
        return None
    code, subcode, message = error.get("code"), error.get("error_subcode", 0), error.get("message", "")
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return GraphError(
        code=code,
        subcode=subcode if isinstance(subcode, int) and not isinstance(subcode, bool) else 0,
        message=message[:200] if isinstance(message, str) else "",
    )


def _graph_id(value: object, *, what: str) -> str:
    if not isinstance(value, str) or not _GRAPH_ID.fullmatch(value):
        msg = f"facebook {what}: missing or invalid id"
        raise MalformedResponse(msg)
    return value


def graph_id(body: bytes) -> str:
    """Parse a create response (``{"id": "<page>_<post>"}`` or a photo's ``{"id": ...}``) into the id."""
    return _graph_id(json_object(body).get("id"), what="create")


def _page_post(data: dict[str, Any]) -> PagePost:
    message = data.get("message", "")
    url = data.get("permalink_url", "")
    if not isinstance(message, str) or not isinstance(url, str):
        msg = "facebook post: invalid message or permalink_url"
        raise MalformedResponse(msg)
    if url and (not url.startswith(("https://", "http://")) or any(c.isspace() for c in url)):
        msg = "facebook post: invalid permalink_url"
        raise MalformedResponse(msg)
    return PagePost(post_id=_graph_id(data.get("id"), what="post"), message=message, permalink_url=url)


def page_post(body: bytes) -> PagePost:
    """Parse ``GET /{post-id}?fields=id,message,permalink_url`` (MalformedResponse)."""
    post = _page_post(json_object(body))
    if not post.permalink_url:
        msg = "facebook post: missing permalink_url"
        raise MalformedResponse(msg)
    return post


def page_posts(body: bytes) -> list[PagePost]:
    """Parse ``GET /{page-id}/published_posts`` (a ``data`` list of posts)."""
    data = json_object(body).get("data")
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        msg = "facebook feed: 'data' is not a list of posts"
        raise MalformedResponse(msg)
    return [_page_post(entry) for entry in data]


def comparable(text: str) -> str:
    """Return ``text`` for comparison with what the page shows: NFC, surrounding space trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def _error_without_object(response: httpx.Response, retry: int | None) -> ConnectorError:
    status = response.status_code
    if status == 429:
        return RateLimited(f"{PLATFORM}: rate limited (HTTP 429)", retry_after=retry)
    if status >= 500:
        return PlatformUnavailable(f"{PLATFORM}: platform error (HTTP {status})")
    return Rejected(f"{PLATFORM}: request refused (HTTP {status})")


def error_for(response: httpx.Response) -> ConnectorError | None:
    """Map a Graph API error response to a typed ConnectorError (None for a 2xx)."""
    if response.status_code < 400:
        return None
    error = graph_error(response.content)
    retry = retry_after_seconds(response.headers.get("retry-after"))
    if error is None:
        return _error_without_object(response, retry)
    label = f"{PLATFORM}: Graph API error {error.code}"
    found: ConnectorError
    if error.code in TOKEN_CODES:
        found = CredentialsRejected(f"{label}: the page's access token expired or was revoked; re-authorise the page")
    elif error.code == 10 or 200 <= error.code <= 299:
        found = CredentialsRejected(f"{label}: permission missing; re-authorise the page with pages_manage_posts")
    elif error.code in RATE_LIMIT_CODES:
        found = RateLimited(f"{label}: rate limited", retry_after=retry)
    elif error.code in TEMPORARY_CODES or response.status_code >= 500:
        found = PlatformUnavailable(f"{label}: temporary platform error")
    else:
        found = Rejected(f"{label}: {error.message}" if error.message else label)
    return found


class FacebookConnector:
    """Publishing on one Facebook Page (Graph ``base_url`` with its version, the page id and page token).

    Page posts have no reply chain, so threads are not offered (``features`` has no ``threads``).
    """

    features = frozenset({CARDS, ENGAGEMENT})

    def __init__(
        self, *, base_url: str = DEFAULT_GRAPH, page_id: str, page_access_token: str, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_id = page_id
        self._token = page_access_token
        self._client = httpx.Client(
            timeout=timeout, headers={"Accept": "application/json"}, follow_redirects=False, verify=client_ssl_context()
        )

    def max_characters(self) -> int | None:
        """A Page post's limit is fixed (63,206)."""
        return None

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        response = send(
            self._client,
            method,
            f"{self.base_url}{path}",
            platform=PLATFORM,
            params=params,
            headers={"Authorization": f"Bearer {self._token}"},
            **kwargs,
        )
        error = error_for(response)
        if error is not None:
            raise error
        return response

    def fetch(self, post_id: str) -> Published:
        """Fetch a post back (``GET /{post-id}?fields=id,message,permalink_url``) and return it."""
        response = self._call("GET", f"/{post_id}", params={"fields": "id,message,permalink_url"})
        post = page_post(response.content)
        return Published(remote_id=post.post_id, url=post.permalink_url, text=post.message)

    def recent(self) -> list[PagePost]:
        """Return the page's posts of the last 48 hours, newest first (``GET /{page-id}/published_posts``)."""
        response = self._call(
            "GET",
            f"/{self.page_id}/published_posts",
            params={
                "fields": "id,message,permalink_url",
                "limit": RECENT_POSTS,
                "since": int(time.time()) - LOOKBACK_SECONDS,
            },
        )
        return page_posts(response.content)

    def _already_posted(self, text: str) -> str:
        return matching_post_id(text, ((post.post_id, post.message) for post in self.recent()), comparable)

    def upload(self, item: MediaFile) -> str:
        """Upload one image unpublished with its alt text (``POST /{page-id}/photos``); return its id."""
        response = self._call(
            "POST",
            f"/{self.page_id}/photos",
            files={"source": ("image", item.data, item.mime_type)},
            data={"published": "false", "alt_text_custom": item.alt},
        )
        return graph_id(response.content)

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
        """Post ``text`` on the page once (a recent post with the same text is this one), fetch it back.

        The ``link`` sent (the page's card) is ``card``'s address, else the first URL of the text; a
        ``reply_to`` is refused (Rejected: pages have no threads).

        Raises ConnectorError: Rejected before any request when the text is over 63,206 characters;
        MediaRefused when an image has no alt text or cannot be sent. ``language`` and
        ``idempotency_key`` are not sent (the Graph API has neither).
        """
        if reply_to is not None:
            msg = f"{PLATFORM}: threads are not published on Facebook Pages"
            raise Rejected(msg)
        if len(text) > FACEBOOK_MAX:
            raise Rejected(f"{PLATFORM}: {len(text)}/{FACEBOOK_MAX} characters")
        media_check(media, platform=PLATFORM, max_bytes=FACEBOOK_IMAGE_BYTES)
        post_id = self._already_posted(text)
        if not post_id:
            form: dict[str, str] = {"message": text}
            found = _URL.search(text)
            link = card.url if card is not None else (found.group(0) if found else "")
            if link and not media:
                form["link"] = link
            for index, item in enumerate(media):
                form[f"attached_media[{index}]"] = json.dumps({"media_fbid": self.upload(item)})
            try:
                response = self._call("POST", f"/{self.page_id}/feed", data=form)
            except Rejected as error:
                if f"error {DUPLICATE_CODE}:" not in error.message or not (post_id := self._already_posted(text)):
                    raise
            else:
                post_id = graph_id(response.content)
        fetched = self.fetch(post_id)
        if comparable(fetched.text) != comparable(text):
            msg = f"{PLATFORM}: the post fetched back differs from the text sent"
            raise MalformedResponse(msg)
        return fetched

    def counts(self, remote_id: str) -> Counts:
        """Return the post's reactions, shares, comments and, where the insights answer, its reach.

        Raises Rejected when the post is gone (Graph error 100), other ConnectorErrors as usual; a refused
        insights call only leaves the reach unreported.
        """
        post_id = _graph_id(remote_id, what="post")
        response = self._call("GET", f"/{post_id}", params={"fields": COUNT_FIELDS})
        counts = engagement_parsing.facebook_counts(response.content)
        try:
            insights = self._call("GET", f"/{post_id}/insights", params={"metric": "post_impressions_unique"})
        except (CredentialsRejected, Rejected):  # no read_insights permission, or no insights for this post
            return counts
        reach = engagement_parsing.facebook_reach(insights.content)
        return Counts(likes=counts.likes, reposts=counts.reposts, replies=counts.replies, quotes=None, reach=reach)

    def replies(self, remote_id: str) -> list[SocialPost]:
        """Return the comments on the post, replies to comments included (``GET /{post-id}/comments``)."""
        post_id = _graph_id(remote_id, what="post")
        params = {"fields": SOCIAL_FIELDS, "filter": "stream", "order": "reverse_chronological", "limit": "100"}
        response = self._call("GET", f"/{post_id}/comments", params=params)
        return engagement_parsing.facebook_social_posts(response.content, kind="reply", in_reply_to=post_id)

    def mentions(self, *, limit: int = 40) -> list[SocialPost]:
        """Return the newest posts the page is tagged in (``GET /{page-id}/tagged``)."""
        params = {"fields": SOCIAL_FIELDS, "limit": str(min(100, max(1, limit)))}
        response = self._call("GET", f"/{self.page_id}/tagged", params=params)
        return engagement_parsing.facebook_social_posts(response.content, kind="mention")
