"""Social-media exports as ``social`` items: X API v2 tweets, Mastodon statuses, Facebook Graph, Telegram.

Each reader takes a file (or bytes): JSON Lines (one object per line) or one JSON document, as the platform's API
or export tool writes it. A post without an id or without any text is rejected with its position; the rest go on.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.records import (
    DEFAULT_MAX_INPUT_BYTES,
    Input,
    InputError,
    Limits,
    item_check,
    json_document,
    json_lines,
)
from chancery_analytics.ingest.text import clean_text, date_parse, plain

_NO_LANGUAGE = frozenset({"und", "qme", "qht", "qam", "qct", "zxx", "art"})


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _id(value: object) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _lang(value: object) -> str | None:
    if isinstance(value, str) and value.isalpha() and 2 <= len(value) <= 3 and value.lower() not in _NO_LANGUAGE:
        return value[:2].lower()
    return None


def _title(text: str, limit: int = 120) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


class _JsonExport(ABC):
    """Shared reading: JSON Lines, or one JSON document, each object handed to ``_records``."""

    prefix = ""

    def __init__(self, data: Input, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> None:
        self.data = data
        self.key = source or self.prefix
        self.limits = Limits(max_bytes=max_bytes)

    def _is_lines(self) -> bool:
        name = "" if isinstance(self.data, bytes) else str(self.data).lower()
        return name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".jsonl.zip"))

    def read(self) -> Iterator[RawItem | Rejected]:
        """Yield every post as an item, a :class:`Rejected` for each one that cannot be read."""
        if self._is_lines():
            for entry in json_lines(self.data, source=self.key, limits=self.limits):
                if isinstance(entry, Rejected):
                    yield entry
                else:
                    yield from self._records(entry[1], f"line {entry[0]}")
            return
        try:
            document = json_document(self.data, limits=self.limits)
        except InputError as error:
            yield Rejected(self.key, "document", error.reason)
            return
        yield from self._records(document, "document")

    @abstractmethod
    def _records(self, value: Any, where: str) -> Iterator[RawItem | Rejected]:
        """Yield the posts of one JSON value (each export format has its own shape)."""


class XConnector(_JsonExport):
    """X (Twitter) API v2 tweet objects (key ``x``; id = tweet id).

    Accepts a tweet object per JSON line, a response page ``{"data": [...], "includes": {"users": [...]}}`` per
    line (twarc2's output) or as one document, or a list of tweets. ``note_tweet`` text wins over the truncated
    ``text``; ``includes.users`` gives the author's handle.
    """

    prefix = "x"

    def _records(self, value: Any, where: str) -> Iterator[RawItem | Rejected]:
        if isinstance(value, list):
            for index, tweet in enumerate(value, start=1):
                yield self._tweet(tweet, {}, f"{where} tweet {index}")
            return
        if not isinstance(value, Mapping):
            yield Rejected(self.key, where, "not a JSON object")
            return
        if "data" in value:
            users = _users(value.get("includes"))
            data = value["data"]
            tweets = data if isinstance(data, list) else [data]
            for index, tweet in enumerate(tweets, start=1):
                yield self._tweet(tweet, users, f"{where} tweet {index}")
            return
        yield self._tweet(value, {}, where)

    def _tweet(self, tweet: Any, users: Mapping[str, Mapping[str, Any]], where: str) -> RawItem | Rejected:
        if not isinstance(tweet, Mapping):
            return Rejected(self.key, where, "tweet is not a JSON object")
        tweet_id = _id(tweet.get("id") or tweet.get("id_str"))
        if not tweet_id.isdigit():
            return Rejected(self.key, where, "missing or invalid tweet 'id'")
        note = tweet.get("note_tweet")
        raw_text = _str(note.get("text")) if isinstance(note, Mapping) else ""
        text = clean_text(raw_text or _str(tweet.get("text")) or _str(tweet.get("full_text")))
        if not text:
            return Rejected(self.key, where, "tweet has no 'text'")
        author_id = _id(tweet.get("author_id"))
        user = users.get(author_id, {})
        handle = _str(user.get("username"))
        url = f"https://x.com/{handle}/status/{tweet_id}" if handle else f"https://x.com/i/web/status/{tweet_id}"
        metrics = tweet.get("public_metrics")
        referenced = tweet.get("referenced_tweets")
        extra: dict[str, Any] = {"author_id": author_id or None}
        if isinstance(metrics, Mapping):
            extra["metrics"] = {k: v for k, v in metrics.items() if isinstance(k, str) and isinstance(v, int)}
        if isinstance(referenced, list):
            extra["referenced"] = [
                {"type": _str(r.get("type")), "id": _id(r.get("id"))} for r in referenced if isinstance(r, Mapping)
            ]
        if tweet.get("conversation_id"):
            extra["conversation_id"] = _id(tweet.get("conversation_id"))
        item = RawItem(
            source=self.key,
            kind="social",
            external_id=tweet_id,
            url=url,
            title=_title(text),
            text=text,
            published=date_parse(tweet.get("created_at")),
            lang=_lang(tweet.get("lang")),
            author=f"@{handle}" if handle else (plain(user.get("name")) or None),
            extra=extra,
        )
        return item_check(item, position=where)


def _users(includes: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(includes, Mapping) or not isinstance(includes.get("users"), list):
        return {}
    return {_id(u.get("id")): u for u in includes["users"] if isinstance(u, Mapping) and _id(u.get("id"))}


class MastodonConnector(_JsonExport):
    """Mastodon statuses (the REST API's Status entity), as a JSON list or JSON Lines (key ``mastodon``).

    The id is the status ``uri`` (global across instances); a boost is read as the boosted status; the
    content warning (``spoiler_text``) is kept in ``extra``.
    """

    prefix = "mastodon"

    def _records(self, value: Any, where: str) -> Iterator[RawItem | Rejected]:
        if isinstance(value, list):
            for index, status in enumerate(value, start=1):
                yield self._status(status, f"{where} status {index}")
        else:
            yield self._status(value, where)

    def _status(self, status: Any, where: str) -> RawItem | Rejected:
        if not isinstance(status, Mapping):
            return Rejected(self.key, where, "status is not a JSON object")
        if isinstance(status.get("reblog"), Mapping):
            status = status["reblog"]
        uri = _id(status.get("uri")) or _id(status.get("url"))
        if not uri:
            return Rejected(self.key, where, "status has no 'uri'")
        text = plain(status.get("content"))
        if not text:
            return Rejected(self.key, where, "status has no text 'content'")
        account = _mapping(status.get("account"))
        url = _str(status.get("url")) or _str(status.get("uri"))
        tags = status.get("tags")
        extra: dict[str, Any] = {
            "id": _id(status.get("id")),
            "spoiler_text": plain(status.get("spoiler_text")) or None,
            "tags": [plain(t.get("name")) for t in tags if isinstance(t, Mapping)][:50]
            if isinstance(tags, list)
            else [],
        }
        for counter in ("reblogs_count", "favourites_count", "replies_count"):
            if isinstance(status.get(counter), int):
                extra[counter] = status[counter]
        item = RawItem(
            source=self.key,
            kind="social",
            external_id=uri,
            url=url if url.lower().startswith(("http://", "https://")) else None,
            title=_title(text),
            text=text,
            published=date_parse(status.get("created_at")),
            lang=_lang(status.get("language")),
            author=f"@{_str(account.get('acct'))}" if _str(account.get("acct")) else None,
            extra=extra,
        )
        return item_check(item, position=where)


def _facebook_fix(value: str) -> str:
    """Undo the mojibake of Facebook's "Download your information" export (UTF-8 bytes written as Latin-1)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class FacebookConnector(_JsonExport):
    """Facebook posts (key ``facebook``): Graph API ``/{page}/posts`` responses or "Download your information".

    Graph: ``{"data": [{"id", "message", "created_time", "permalink_url", "from"}...]}``. The personal export:
    a list of ``{"timestamp", "data": [{"post": ...}], "title"}``, whose mis-encoded text is repaired.
    """

    prefix = "facebook"

    def _records(self, value: Any, where: str) -> Iterator[RawItem | Rejected]:
        if isinstance(value, Mapping) and isinstance(value.get("data"), list):
            for index, post in enumerate(value["data"], start=1):
                yield self._graph(post, f"{where} post {index}")
        elif isinstance(value, Mapping) and isinstance(value.get("posts"), Mapping):
            yield from self._records(value["posts"], where)
        elif isinstance(value, list):
            for index, post in enumerate(value, start=1):
                position = f"{where} post {index}"
                yield self._export(post, position) if _is_export(post) else self._graph(post, position)
        elif isinstance(value, Mapping):
            yield self._export(value, where) if _is_export(value) else self._graph(value, where)
        else:
            yield Rejected(self.key, where, "not a Facebook post or list of posts")

    def _graph(self, post: Any, where: str) -> RawItem | Rejected:
        if not isinstance(post, Mapping):
            return Rejected(self.key, where, "post is not a JSON object")
        post_id = _id(post.get("id"))
        if not post_id:
            return Rejected(self.key, where, "post has no 'id'")
        text = plain(post.get("message")) or plain(post.get("story")) or plain(post.get("description"))
        if not text:
            return Rejected(self.key, where, "post has no 'message'")
        author = _mapping(post.get("from"))
        url = _str(post.get("permalink_url")) or f"https://www.facebook.com/{post_id}"
        item = RawItem(
            source=self.key,
            kind="social",
            external_id=post_id,
            url=url if url.lower().startswith(("http://", "https://")) else None,
            title=_title(text),
            text=text,
            published=date_parse(post.get("created_time")),
            author=plain(author.get("name")) or None,
            extra={"from_id": _id(author.get("id")) or None},
        )
        return item_check(item, position=where)

    def _export(self, post: Mapping[str, Any], where: str) -> RawItem | Rejected:
        pieces = [_str(d.get("post")) for d in post.get("data") or [] if isinstance(d, Mapping)]
        text = plain(_facebook_fix("\n".join(p for p in pieces if p)))
        if not text:
            return Rejected(self.key, where, "post has no text")
        timestamp = post.get("timestamp")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            return Rejected(self.key, where, "post has no 'timestamp'")
        item = RawItem(
            source=self.key,
            kind="social",
            external_id=f"export:{timestamp}:{hashlib.sha256(text.encode()).hexdigest()[:16]}",
            url=None,
            title=_title(text),
            text=text,
            published=date_parse(timestamp),
            author=None,
            extra={"title": plain(_facebook_fix(_str(post.get("title")))) or None},
        )
        return item_check(item, position=where)


def _is_export(post: Any) -> bool:
    return isinstance(post, Mapping) and "timestamp" in post and "id" not in post


def _telegram_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return "".join(
            p if isinstance(p, str) else _str(p.get("text")) if isinstance(p, Mapping) else "" for p in value
        )
    return ""


class TelegramConnector(_JsonExport):
    """A Telegram Desktop channel export (``result.json``): one item per message (key ``telegram:<channel id>``).

    Service messages (joins, pins) are skipped; text made of entity fragments is joined; the date comes from
    ``date_unixtime`` (UTC) when present, else ``date`` read as UTC.
    """

    prefix = "telegram"

    def _records(self, value: Any, where: str) -> Iterator[RawItem | Rejected]:
        """Yield the channel's messages as items; a :class:`Rejected` per unreadable message."""
        document = value
        if not isinstance(document, Mapping) or not isinstance(document.get("messages"), list):
            yield Rejected(self.key, where, "not a Telegram export (no 'messages' list)")
            return
        channel_id = _id(document.get("id"))
        if self.key == self.prefix and channel_id:
            self.key = f"telegram:{channel_id}"
        channel = plain(document.get("name"))
        username = _str(document.get("username"))
        for index, message in enumerate(document["messages"], start=1):
            if isinstance(message, Mapping) and message.get("type") == "service":
                continue
            yield self._message(message, f"message {index}", channel, username)

    def _message(self, message: Any, where: str, channel: str, username: str) -> RawItem | Rejected:
        if not isinstance(message, Mapping):
            return Rejected(self.key, where, "message is not a JSON object")
        message_id = _id(message.get("id"))
        if not message_id:
            return Rejected(self.key, where, "message has no 'id'")
        text = plain(_telegram_text(message.get("text")))
        if not text:
            return Rejected(self.key, where, "message has no text")
        unix = message.get("date_unixtime")
        published = date_parse(int(unix)) if isinstance(unix, str) and unix.isdigit() else None
        url = f"https://t.me/{username}/{message_id}" if username else None
        item = RawItem(
            source=self.key,
            kind="social",
            external_id=message_id,
            url=url,
            title=_title(text),
            text=text,
            published=published or date_parse(message.get("date")),
            author=plain(message.get("from")) or channel or None,
            extra={
                "channel": channel or None,
                "views": message.get("views") if isinstance(message.get("views"), int) else None,
            },
        )
        return item_check(item, position=where)
