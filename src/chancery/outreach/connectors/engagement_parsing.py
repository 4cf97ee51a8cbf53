"""Parsers of the platforms' engagement answers: counts, replies and mentions (pure: no Django).

Outside input: each function returns typed values or raises
:class:`~chancery.outreach.connectors.errors.MalformedResponse`; entries inside a list that are not of the
documented shape are skipped (one odd reply never hides the others). Property-tested.

* Mastodon: a ``Status`` (``favourites_count``, ``reblogs_count``, ``replies_count``), the ``Context`` of
  ``GET /api/v1/statuses/:id/context`` (``descendants``) and ``Notification`` lists of type ``mention``.
* Bluesky: ``app.bsky.feed.getPostThread`` (``thread.post`` with ``likeCount``, ``repostCount``,
  ``replyCount``, ``quoteCount``; ``thread.replies``) and ``app.bsky.notification.listNotifications``
  (``reason`` ``mention`` or ``reply``).
* X: ``GET /2/tweets?ids=`` (``public_metrics``; reach from ``non_public_metrics.impression_count`` where the
  token may read it), replies from a ``conversation_id:`` search and mentions, with ``includes.users``.
* Facebook Pages: the post's ``reactions``/``comments`` summaries and ``shares``; reach from the
  ``post_impressions_unique`` insight; comments and the posts the page is tagged in.

Mastodon and Bluesky report no reach (impressions); none reports the audience's regions per post.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from chancery.outreach.connectors.base import json_object
from chancery.outreach.connectors.content import Counts, SocialPost
from chancery.outreach.connectors.errors import MalformedResponse
from chancery_analytics.ingest.text import date_parse, html_to_text

MAX_TEXT = 10_000
MAX_ITEMS = 200


def _count(data: dict[str, Any], key: str, *, what: str, required: bool = True) -> int | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{what}: missing or invalid {key!r}"
        raise MalformedResponse(msg)
    return value


def _text(value: object) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _lang(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and 2 <= len(value) <= 12:
        return value.split("-", 1)[0].lower()
    return None


def _id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and 0 < len(value) <= 512 else ""


def _url(value: object) -> str:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else ""


def _list(body: bytes, *, what: str) -> list[Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        msg = f"{what}: the platform's response is not JSON"
        raise MalformedResponse(msg) from error
    if not isinstance(data, list):
        msg = f"{what}: the platform's response is not a JSON array"
        raise MalformedResponse(msg)
    return data[:MAX_ITEMS]


def mastodon_counts(body: bytes) -> Counts:
    """Parse the counts of a Mastodon ``Status`` (GET /api/v1/statuses/:id)."""
    data = json_object(body)
    return Counts(
        likes=_count(data, "favourites_count", what="status") or 0,
        reposts=_count(data, "reblogs_count", what="status") or 0,
        replies=_count(data, "replies_count", what="status") or 0,
        quotes=_count(data, "quotes_count", what="status", required=False),
    )


def _mastodon_post(status: object, *, kind: str) -> SocialPost | None:
    if not isinstance(status, dict):
        return None
    status_id = _id(status.get("id"))
    account = status.get("account")
    author = _text(account.get("acct")) if isinstance(account, dict) else ""
    if not status_id or not author:
        return None
    return SocialPost(
        remote_id=status_id,
        kind=kind,
        author="@" + author.lstrip("@"),
        text=html_to_text(_text(status.get("content"))),
        url=_url(status.get("url")),
        created_at=date_parse(status.get("created_at")),
        language=_lang(status.get("language")),
        in_reply_to=_id(status.get("in_reply_to_id")),
    )


def mastodon_replies(body: bytes) -> list[SocialPost]:
    """Parse the ``descendants`` of a Mastodon ``Context`` into replies (malformed entries skipped)."""
    data = json_object(body)
    descendants = data.get("descendants")
    if not isinstance(descendants, list):
        msg = "context: missing 'descendants'"
        raise MalformedResponse(msg)
    found = (_mastodon_post(status, kind="reply") for status in descendants[:MAX_ITEMS])
    return [post for post in found if post is not None]


def mastodon_mentions(body: bytes) -> list[SocialPost]:
    """Parse a list of Mastodon ``Notification`` entities, keeping the mentions with their statuses."""
    found = []
    for entry in _list(body, what="notifications"):
        if isinstance(entry, dict) and entry.get("type") == "mention":
            post = _mastodon_post(entry.get("status"), kind="mention")
            if post is not None:
                found.append(post)
    return found


def _thread(body: bytes) -> dict[str, Any]:
    data = json_object(body)
    thread = data.get("thread")
    if not isinstance(thread, dict) or not isinstance(thread.get("post"), dict):
        msg = "getPostThread: missing thread.post"
        raise MalformedResponse(msg)
    return thread


def bluesky_counts(body: bytes) -> Counts:
    """Parse the counts of ``thread.post`` in an ``app.bsky.feed.getPostThread`` response."""
    post = _thread(body)["post"]
    return Counts(
        likes=_count(post, "likeCount", what="post") or 0,
        reposts=_count(post, "repostCount", what="post") or 0,
        replies=_count(post, "replyCount", what="post") or 0,
        quotes=_count(post, "quoteCount", what="post", required=False),
    )


def bluesky_web_url(*, web_base: str, handle: str, uri: str) -> str:
    """Return the public web URL of a post from its at-URI (``at://did/app.bsky.feed.post/rkey``)."""
    rkey = uri.rsplit("/", 1)[-1]
    return f"{web_base.rstrip('/')}/profile/{handle}/post/{rkey}" if handle and rkey else ""


def _bluesky_post(view: object, *, kind: str, web_base: str) -> SocialPost | None:
    if not isinstance(view, dict):
        return None
    uri = _id(view.get("uri"))
    author = view.get("author")
    handle = _text(author.get("handle")) if isinstance(author, dict) else ""
    record = view.get("record")
    if not uri.startswith("at://") or not handle or not isinstance(record, dict):
        return None
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    return SocialPost(
        remote_id=uri,
        kind=kind,
        author="@" + handle,
        text=_text(record.get("text")),
        url=bluesky_web_url(web_base=web_base, handle=handle, uri=uri),
        created_at=date_parse(record.get("createdAt")),
        language=_lang(record.get("langs")),
        in_reply_to=_id(parent.get("uri")) if isinstance(parent, dict) else "",
    )


def _walk(replies: object, depth: int = 0) -> Iterator[object]:
    if not isinstance(replies, list) or depth > 20:
        return
    for entry in replies[:MAX_ITEMS]:
        if isinstance(entry, dict):
            yield entry.get("post")
            yield from _walk(entry.get("replies"), depth + 1)


def bluesky_replies(body: bytes, *, web_base: str) -> list[SocialPost]:
    """Parse the replies (at every depth) of an ``app.bsky.feed.getPostThread`` response."""
    thread = _thread(body)
    found = (_bluesky_post(view, kind="reply", web_base=web_base) for view in _walk(thread.get("replies")))
    return [post for post in found if post is not None][:MAX_ITEMS]


def bluesky_mentions(body: bytes, *, web_base: str) -> list[SocialPost]:
    """Parse ``app.bsky.notification.listNotifications``, keeping those whose ``reason`` is ``mention``."""
    data = json_object(body)
    notifications = data.get("notifications")
    if not isinstance(notifications, list):
        msg = "listNotifications: missing 'notifications'"
        raise MalformedResponse(msg)
    found = []
    for entry in notifications[:MAX_ITEMS]:
        if isinstance(entry, dict) and entry.get("reason") == "mention":
            post = _bluesky_post(entry, kind="mention", web_base=web_base)
            if post is not None:
                found.append(post)
    return found


# --- X (API v2) -------------------------------------------------------------------------------------


def _x_metric(metrics: object, key: str, *, what: str, required: bool = True) -> int | None:
    if not isinstance(metrics, dict):
        if required:
            msg = f"{what}: missing metrics"
            raise MalformedResponse(msg)
        return None
    return _count(metrics, key, what=what, required=required)


def x_counts(body: bytes, *, post_id: str) -> Counts | None:
    """Parse ``GET /2/tweets?ids=...&tweet.fields=public_metrics[,non_public_metrics]`` for one post.

    Returns None when the post is not in ``data`` (deleted, or not visible to the token). Likes, reposts
    (``retweet_count``), replies and quotes come from ``public_metrics``; reach is the
    ``non_public_metrics.impression_count`` when the token may read it (the account's own posts of the
    last 30 days), else ``public_metrics.impression_count`` when X reports it, else None.
    """
    data = json_object(body).get("data", [])
    if not isinstance(data, list):
        msg = "x tweets: 'data' is not a list"
        raise MalformedResponse(msg)
    entry = next((e for e in data[:MAX_ITEMS] if isinstance(e, dict) and e.get("id") == post_id), None)
    if entry is None:
        return None
    public = entry.get("public_metrics")
    private = entry.get("non_public_metrics")
    reach = _x_metric(private, "impression_count", what="non_public_metrics", required=False)
    if reach is None:
        reach = _x_metric(public, "impression_count", what="public_metrics", required=False)
    return Counts(
        likes=_x_metric(public, "like_count", what="public_metrics") or 0,
        reposts=_x_metric(public, "retweet_count", what="public_metrics") or 0,
        replies=_x_metric(public, "reply_count", what="public_metrics") or 0,
        quotes=_x_metric(public, "quote_count", what="public_metrics", required=False),
        reach=reach,
    )


def _x_usernames(payload: dict[str, Any]) -> dict[str, str]:
    includes = payload.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    found: dict[str, str] = {}
    for user in users[:MAX_ITEMS] if isinstance(users, list) else []:
        if isinstance(user, dict) and isinstance(user.get("username"), str) and _id(user.get("id")):
            found[_id(user.get("id"))] = user["username"][:100]
    return found


def _x_replied_to(entry: dict[str, Any]) -> str:
    for reference in entry.get("referenced_tweets") or []:
        if isinstance(reference, dict) and reference.get("type") == "replied_to":
            return _id(reference.get("id"))
    return ""


def x_social_posts(body: bytes, *, kind: str, web_base: str) -> list[SocialPost]:
    """Parse a list of posts with ``expansions=author_id`` (search or mentions) into replies or mentions.

    ``GET /2/tweets/search/recent?query=conversation_id:<id>`` gives a post's replies and
    ``GET /2/users/:id/mentions`` the account's mentions; ``data`` is absent when there are none. Entries
    without an id or whose author's username is not in ``includes.users`` are skipped.
    """
    payload = json_object(body)
    data = payload.get("data", [])
    if not isinstance(data, list):
        msg = "x posts: 'data' is not a list"
        raise MalformedResponse(msg)
    usernames = _x_usernames(payload)
    found = []
    for entry in data[:MAX_ITEMS]:
        if not isinstance(entry, dict):
            continue
        post_id, username = _id(entry.get("id")), usernames.get(_id(entry.get("author_id")), "")
        if not post_id.isdigit() or not username:
            continue
        found.append(
            SocialPost(
                remote_id=post_id,
                kind=kind,
                author="@" + username,
                text=_text(entry.get("text")),
                url=f"{web_base.rstrip('/')}/{username}/status/{post_id}",
                created_at=date_parse(entry.get("created_at")),
                language=_lang(entry.get("lang")) if entry.get("lang") not in {"und", "zxx", "qme"} else None,
                in_reply_to=_x_replied_to(entry),
            )
        )
    return found


# --- Facebook Pages (Graph API) ---------------------------------------------------------------------


def _summary_total(data: dict[str, Any], key: str) -> int:
    edge = data.get(key)
    if edge is None:
        return 0
    summary = edge.get("summary") if isinstance(edge, dict) else None
    if not isinstance(summary, dict):
        msg = f"facebook post: {key!r} has no summary"
        raise MalformedResponse(msg)
    return _count(summary, "total_count", what=f"facebook {key}") or 0


def facebook_counts(body: bytes) -> Counts:
    """Parse ``GET /{post-id}?fields=reactions.summary(total_count),comments.summary(total_count),shares``.

    Reactions count as likes, ``shares.count`` as reposts (absent when nobody shared), comments as replies;
    Facebook has no quotes. Reach comes separately from the post's insights (:func:`facebook_reach`).
    """
    data = json_object(body)
    shares = data.get("shares")
    reposts = 0
    if shares is not None:
        if not isinstance(shares, dict):
            msg = "facebook post: invalid 'shares'"
            raise MalformedResponse(msg)
        reposts = _count(shares, "count", what="facebook shares") or 0
    return Counts(
        likes=_summary_total(data, "reactions"),
        reposts=reposts,
        replies=_summary_total(data, "comments"),
    )


def facebook_reach(body: bytes) -> int | None:
    """Parse ``GET /{post-id}/insights?metric=post_impressions_unique``: the post's lifetime reach, or None."""
    data = json_object(body).get("data")
    if not isinstance(data, list):
        msg = "facebook insights: 'data' is not a list"
        raise MalformedResponse(msg)
    for metric in data[:MAX_ITEMS]:
        if not isinstance(metric, dict) or metric.get("name") != "post_impressions_unique":
            continue
        values = metric.get("values")
        if isinstance(values, list) and values and isinstance(values[-1], dict):
            return _count(values[-1], "value", what="facebook insights")
    return None


def facebook_social_posts(body: bytes, *, kind: str, in_reply_to: str = "") -> list[SocialPost]:
    """Parse a Graph ``data`` list of comments (``/{post-id}/comments``) or posts (``/{page-id}/tagged``).

    The author is ``from.name`` (Facebook leaves ``from`` out for people who have not allowed it: such
    entries are named ``Facebook user``); ``in_reply_to`` is the post the comments belong to.
    """
    data = json_object(body).get("data")
    if not isinstance(data, list):
        msg = "facebook: 'data' is not a list"
        raise MalformedResponse(msg)
    found = []
    for entry in data[:MAX_ITEMS]:
        if not isinstance(entry, dict) or not (remote_id := _id(entry.get("id"))):
            continue
        author = entry.get("from")
        name = _text(author.get("name")).strip()[:200] if isinstance(author, dict) else ""
        found.append(
            SocialPost(
                remote_id=remote_id,
                kind=kind,
                author=name or "Facebook user",
                text=_text(entry.get("message")),
                url=_url(entry.get("permalink_url")),
                created_at=date_parse(entry.get("created_time")),
                language=None,
                in_reply_to=in_reply_to,
            )
        )
    return found
