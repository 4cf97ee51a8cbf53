"""Parsers of platform responses: documented JSON in, typed values out, MalformedResponse otherwise.

Outside input: every function either returns what it promises or raises
:class:`~chancery.outreach.connectors.errors.MalformedResponse` (property-tested). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chancery.outreach.connectors.base import json_object
from chancery.outreach.connectors.errors import MalformedResponse

MAX_ID_LENGTH = 512


def _string(data: dict[str, Any], key: str, *, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH * 8:
        msg = f"{what}: missing or invalid {key!r}"
        raise MalformedResponse(msg)
    return value


def _https_url(value: str, *, what: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        msg = f"{what}: invalid URL"
        raise MalformedResponse(msg)
    return value


@dataclass(frozen=True, slots=True)
class MastodonStatus:
    """A status as the Mastodon API returns it (``id``, ``url``, ``content`` as HTML)."""

    status_id: str
    url: str
    content: str


def mastodon_status(body: bytes) -> MastodonStatus:
    """Parse a Mastodon ``Status`` entity (POST /api/v1/statuses, GET /api/v1/statuses/:id)."""
    data = json_object(body)
    status_id = _string(data, "id", what="status")
    if len(status_id) > MAX_ID_LENGTH:
        msg = "status: id too long"
        raise MalformedResponse(msg)
    url = _https_url(_string(data, "url", what="status"), what="status")
    content = data.get("content", "")
    if not isinstance(content, str):
        msg = "status: invalid 'content'"
        raise MalformedResponse(msg)
    return MastodonStatus(status_id=status_id, url=url, content=content)


def mastodon_max_characters(body: bytes) -> int:
    """Parse ``configuration.statuses.max_characters`` from GET /api/v1/instance (v1 or v2 shape)."""
    data = json_object(body)
    configuration = data.get("configuration")
    statuses = configuration.get("statuses") if isinstance(configuration, dict) else None
    value = statuses.get("max_characters") if isinstance(statuses, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        msg = "instance: missing or invalid configuration.statuses.max_characters"
        raise MalformedResponse(msg)
    return value


@dataclass(frozen=True, slots=True)
class BlueskySession:
    """The result of ``com.atproto.server.createSession``."""

    did: str
    handle: str
    access_jwt: str


def bluesky_session(body: bytes) -> BlueskySession:
    """Parse a ``com.atproto.server.createSession`` response."""
    data = json_object(body)
    did = _string(data, "did", what="session")
    if not did.startswith("did:"):
        msg = "session: invalid did"
        raise MalformedResponse(msg)
    return BlueskySession(
        did=did,
        handle=_string(data, "handle", what="session"),
        access_jwt=_string(data, "accessJwt", what="session"),
    )


@dataclass(frozen=True, slots=True)
class BlueskyRecord:
    """A record as ``com.atproto.repo.getRecord`` returns it (the post's ``text`` from its value)."""

    uri: str
    cid: str
    text: str


def bluesky_created(body: bytes) -> tuple[str, str]:
    """Parse a ``com.atproto.repo.createRecord`` response into its ``(uri, cid)``."""
    data = json_object(body)
    uri = _string(data, "uri", what="createRecord")
    if not uri.startswith("at://"):
        msg = "createRecord: invalid uri"
        raise MalformedResponse(msg)
    return uri, _string(data, "cid", what="createRecord")


def bluesky_record(body: bytes) -> BlueskyRecord:
    """Parse a ``com.atproto.repo.getRecord`` response for an ``app.bsky.feed.post``."""
    data = json_object(body)
    uri = _string(data, "uri", what="getRecord")
    if not uri.startswith("at://"):
        msg = "getRecord: invalid uri"
        raise MalformedResponse(msg)
    value = data.get("value")
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(text, str):
        msg = "getRecord: missing value.text"
        raise MalformedResponse(msg)
    return BlueskyRecord(uri=uri, cid=_string(data, "cid", what="getRecord"), text=text)


def xrpc_error(body: bytes) -> str:
    """Return the ``error`` name of an XRPC error body (``""`` when the body is not one)."""
    try:
        data = json_object(body)
    except MalformedResponse:
        return ""
    error = data.get("error")
    return error if isinstance(error, str) else ""


def mastodon_media_id(body: bytes) -> str:
    """Parse a ``POST /api/v2/media`` response (a MediaAttachment) into its id."""
    data = json_object(body)
    media_id = data.get("id")
    if isinstance(media_id, int) and not isinstance(media_id, bool):
        return str(media_id)
    if not isinstance(media_id, str) or not media_id or len(media_id) > 100:
        msg = "media: missing id"
        raise MalformedResponse(msg)
    return media_id


def bluesky_blob(body: bytes) -> dict[str, Any]:
    """Parse a ``com.atproto.repo.uploadBlob`` response into the blob object a record embeds."""
    data = json_object(body)
    blob = data.get("blob")
    ref = blob.get("ref") if isinstance(blob, dict) else None
    link = ref.get("$link") if isinstance(ref, dict) else None
    if not isinstance(blob, dict) or not isinstance(link, str) or not link or not isinstance(blob.get("size"), int):
        msg = "uploadBlob: missing blob reference"
        raise MalformedResponse(msg)
    return {"$type": "blob", "ref": {"$link": link}, "mimeType": str(blob.get("mimeType", "")), "size": blob["size"]}
