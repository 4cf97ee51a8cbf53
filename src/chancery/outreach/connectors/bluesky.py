"""Bluesky connector: AT Protocol XRPC with an app password (``com.atproto.server.createSession``).

Publishing creates an ``app.bsky.feed.post`` record with ``com.atproto.repo.createRecord`` under a record
key (a TID) chosen by Chancery and stored before the first attempt: a retry first asks
``com.atproto.repo.getRecord`` for that key and only creates the record when it is absent, so a retry
after a time-out never posts twice. The record is then fetched back with ``getRecord``. Images are
uploaded with ``com.atproto.repo.uploadBlob`` and embedded as ``app.bsky.embed.images`` with their alt text.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import regex

from chancery.outreach.connectors import engagement_parsing, parsing
from chancery.outreach.connectors.base import DEFAULT_TIMEOUT, Published, raise_for_status, send
from chancery.outreach.connectors.content import CARDS, ENGAGEMENT, THREADS, Counts, LinkCard, ReplyTo, SocialPost
from chancery.outreach.connectors.errors import CredentialsRejected, MalformedResponse, Rejected
from chancery.outreach.connectors.media import BLUESKY_IMAGE_BYTES, MediaFile, media_check
from chancery.platform.tls import client_ssl_context

PLATFORM = "bluesky"
COLLECTION = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown"})


def tid_new(*, micros: int | None = None, clock_id: int | None = None) -> str:
    """Return an AT Protocol TID: 13 base32-sortable characters of (microseconds << 10 | clock id)."""
    stamp = time.time_ns() // 1000 if micros is None else micros
    clock = secrets.randbelow(1024) if clock_id is None else clock_id
    value = ((stamp & ((1 << 53) - 1)) << 10) | (clock & 0x3FF)
    return "".join(TID_ALPHABET[(value >> (5 * (12 - i))) & 31] for i in range(13))


_LINK = regex.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'\u2019\u201d]")


def link_facets(text: str) -> list[dict[str, Any]]:
    """Return ``app.bsky.richtext.facet`` link facets for the URLs in ``text`` (UTF-8 byte offsets)."""
    facets = []
    for match in _LINK.finditer(text):
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(match.group(0).encode("utf-8"))
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
            }
        )
    return facets


def post_url(*, web_base: str, handle: str, rkey: str) -> str:
    """Return the public web URL of a post (``<web_base>/profile/<handle>/post/<rkey>``)."""
    return f"{web_base.rstrip('/')}/profile/{handle}/post/{rkey}"


class BlueskyConnector:
    """Publishing on one Bluesky account (PDS ``base_url``, identifier and app password)."""

    features = frozenset({THREADS, CARDS, ENGAGEMENT})

    def __init__(
        self,
        *,
        base_url: str,
        identifier: str,
        app_password: str,
        web_base: str = "https://bsky.app",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.web_base = web_base
        self._identifier = identifier
        self._password = app_password
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Accept": "application/json"},
            follow_redirects=False,
            verify=client_ssl_context(),
        )
        self._session: parsing.BlueskySession | None = None

    def max_characters(self) -> int | None:
        """Bluesky's limits are fixed by the lexicon (see :mod:`chancery.outreach.limits`)."""
        return None

    def _xrpc_check(self, response: httpx.Response) -> None:
        if response.status_code == 400 and parsing.xrpc_error(response.content) in TOKEN_ERRORS:
            msg = "bluesky: session expired or revoked; reconnect the account"
            raise CredentialsRejected(msg)
        raise_for_status(response, platform=PLATFORM)

    def _login(self) -> parsing.BlueskySession:
        if self._session is None:
            response = send(
                self._client,
                "POST",
                f"{self.base_url}/xrpc/com.atproto.server.createSession",
                platform=PLATFORM,
                json={"identifier": self._identifier, "password": self._password},
            )
            self._xrpc_check(response)
            self._session = parsing.bluesky_session(response.content)
        return self._session

    def _get(self, rkey: str) -> parsing.BlueskyRecord | None:
        session = self._login()
        response = send(
            self._client,
            "GET",
            f"{self.base_url}/xrpc/com.atproto.repo.getRecord",
            platform=PLATFORM,
            params={"repo": session.did, "collection": COLLECTION, "rkey": rkey},
            headers={"Authorization": f"Bearer {session.access_jwt}"},
        )
        if response.status_code == 400 and parsing.xrpc_error(response.content) == "RecordNotFound":
            return None
        self._xrpc_check(response)
        return parsing.bluesky_record(response.content)

    def fetch(self, rkey: str) -> Published:
        """Fetch a post back by record key (raises Rejected when it does not exist)."""
        record = self._get(rkey)
        if record is None:
            msg = "bluesky: the post is not on the server"
            raise Rejected(msg)
        url = post_url(web_base=self.web_base, handle=self._login().handle, rkey=rkey)
        return Published(remote_id=record.uri, url=url, text=record.text, cid=record.cid)

    def upload(self, item: MediaFile) -> dict[str, Any]:
        """Upload one image's bytes (``com.atproto.repo.uploadBlob``) and return the blob to embed."""
        session = self._login()
        response = send(
            self._client,
            "POST",
            f"{self.base_url}/xrpc/com.atproto.repo.uploadBlob",
            platform=PLATFORM,
            content=item.data,
            headers={"Authorization": f"Bearer {session.access_jwt}", "Content-Type": item.mime_type},
        )
        self._xrpc_check(response)
        return parsing.bluesky_blob(response.content)

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
        """Create the post under record key ``idempotency_key`` unless it exists, fetch it back, return it.

        Images are uploaded as blobs and embedded with ``app.bsky.embed.images``, each with its ``alt``;
        MediaRefused before any request when one has no alt text or cannot be sent. Without images a
        ``card`` is embedded as ``app.bsky.embed.external`` (its thumbnail uploaded as a blob); a record
        holds one embed, so images win. ``reply_to`` adds the ``reply`` root and parent references.
        Links in the text get ``app.bsky.richtext.facet#link`` facets (byte offsets), so they are clickable.
        """
        media_check(media, platform=PLATFORM, max_bytes=BLUESKY_IMAGE_BYTES)
        if card is not None and card.thumb is not None and not media:
            media_check([card.thumb], platform=PLATFORM, max_bytes=BLUESKY_IMAGE_BYTES)
        session = self._login()
        if self._get(idempotency_key) is None:
            record: dict[str, Any] = {
                "$type": COLLECTION,
                "text": text,
                "langs": [language],
                "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
            if media:
                record["embed"] = {
                    "$type": "app.bsky.embed.images",
                    "images": [{"alt": item.alt, "image": self.upload(item)} for item in media],
                }
            elif card is not None:
                external: dict[str, Any] = {"uri": card.url, "title": card.title, "description": card.description}
                if card.thumb is not None:
                    external["thumb"] = self.upload(card.thumb)
                record["embed"] = {"$type": "app.bsky.embed.external", "external": external}
            if reply_to is not None:
                record["reply"] = {
                    "root": {"uri": reply_to.root_id, "cid": reply_to.root_cid},
                    "parent": {"uri": reply_to.parent_id, "cid": reply_to.parent_cid},
                }
            if facets := link_facets(text):
                record["facets"] = facets
            response = send(
                self._client,
                "POST",
                f"{self.base_url}/xrpc/com.atproto.repo.createRecord",
                platform=PLATFORM,
                json={"repo": session.did, "collection": COLLECTION, "rkey": idempotency_key, "record": record},
                headers={"Authorization": f"Bearer {session.access_jwt}"},
            )
            self._xrpc_check(response)
            parsing.bluesky_created(response.content)
        fetched = self.fetch(idempotency_key)
        if fetched.text != text:
            msg = "bluesky: the post fetched back differs from the text sent"
            raise MalformedResponse(msg)
        return fetched

    def _thread(self, uri: str, *, depth: int) -> bytes:
        session = self._login()
        response = send(
            self._client,
            "GET",
            f"{self.base_url}/xrpc/app.bsky.feed.getPostThread",
            platform=PLATFORM,
            params={"uri": uri, "depth": str(depth), "parentHeight": "0"},
            headers={"Authorization": f"Bearer {session.access_jwt}"},
        )
        self._xrpc_check(response)
        return response.content

    def counts(self, remote_id: str) -> Counts:
        """Return the post's likes, reposts, replies and quotes now (``app.bsky.feed.getPostThread``)."""
        return engagement_parsing.bluesky_counts(self._thread(remote_id, depth=0))

    def replies(self, remote_id: str) -> list[SocialPost]:
        """Return the replies below the post, at every depth (``app.bsky.feed.getPostThread``)."""
        return engagement_parsing.bluesky_replies(self._thread(remote_id, depth=10), web_base=self.web_base)

    def mentions(self, *, limit: int = 40) -> list[SocialPost]:
        """Return the newest mentions of the account (``app.bsky.notification.listNotifications``)."""
        session = self._login()
        response = send(
            self._client,
            "GET",
            f"{self.base_url}/xrpc/app.bsky.notification.listNotifications",
            platform=PLATFORM,
            params={"limit": str(limit)},
            headers={"Authorization": f"Bearer {session.access_jwt}"},
        )
        self._xrpc_check(response)
        return engagement_parsing.bluesky_mentions(response.content, web_base=self.web_base)
