"""Local fake Mastodon and Bluesky servers speaking the real protocols, for the tests and the demo.

Threaded ``http.server`` servers on 127.0.0.1 that store posts in memory and honour what the connectors
rely on: Mastodon's ``Idempotency-Key`` on ``POST /api/v1/statuses``, ``GET /api/v1/statuses/:id``,
``GET /api/v1/instance`` and ``POST /api/v2/media`` (multipart, ``description``); the AT Protocol's
``createSession``, ``uploadBlob``, ``createRecord`` (a record key that exists is refused; an
``app.bsky.embed.images`` must name uploaded blobs and carry ``alt``) and ``getRecord``.
``fail_next(kind)`` injects one fault into the next write: ``"429"``, ``"500"``, ``"malformed"``,
``"401"`` or ``"drop"`` (the post is stored, then the connection is closed without an answer, as when a
response times out). Never used by production code paths.

Run both for the demo: ``python -m chancery.outreach.fake_servers --mastodon-port 8701 --bluesky-port 8702``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import regex

MASTODON_TOKEN = "fake-mastodon-token"  # noqa: S105 - a fake server's fixed test credential
BLUESKY_PASSWORD = "fake-app-password"  # noqa: S105


@dataclass
class FakeState:
    """What a fake server stores: posts by id, idempotency keys, pending faults, and a request log."""

    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, str] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    writes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _FakeServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        return

    def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _raw(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _body(self) -> dict[str, Any]:
        raw = self._raw()
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _fault(self) -> str:
        with self.server.state.lock:
            return self.server.state.faults.pop(0) if self.server.state.faults else ""

    def _apply_fault(self, fault: str) -> bool:
        """Answer for a fault other than ``drop``; True when the request was answered."""
        if fault == "429":
            self._reply(429, {"error": "Too many requests"}, {"Retry-After": "30"})
        elif fault == "500":
            self._reply(500, {"error": "Internal server error"})
        elif fault == "malformed":
            self._reply(200, b"<html>not json")
        elif fault == "401":
            self._reply(401, {"error": "The access token was revoked"})
        else:
            return False
        return True

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)


class _FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[_Handler], port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.state = FakeState()

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fail_next(self, kind: str) -> None:
        """Inject one fault into the next write request (see the module docstring)."""
        with self.state.lock:
            self.state.faults.append(kind)

    def start(self) -> Self:
        """Serve in a daemon thread and return self."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


class _MastodonHandler(_Handler):
    server: FakeMastodon

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.server.token}" or self.server.revoked:
            self._reply(401, {"error": "The access token is invalid"})
            return False
        return True

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/api/v1/instance":
            limit = self.server.max_characters
            self._reply(200, {"uri": "fake.mastodon", "configuration": {"statuses": {"max_characters": limit}}})
            return
        if path == "/api/v1/notifications" and self._authorised():
            self._reply(200, list(reversed(self.server.notifications)))
            return
        if path.startswith("/api/v1/statuses/") and path.endswith("/context") and self._authorised():
            status_id = path.split("/")[-2]
            if status_id not in self.server.state.posts:
                self._reply(404, {"error": "Record not found"})
            else:
                self._reply(200, {"ancestors": [], "descendants": self.server.descendants(status_id)})
            return
        if path == "/api/v1/accounts/verify_credentials":
            if self._authorised():
                self._reply(200, {"id": "1", "username": self.server.username, "acct": self.server.username})
            return
        if path.startswith("/api/v1/statuses/") and self._authorised():
            status = self.server.state.posts.get(path.rsplit("/", 1)[-1])
            if status is None:
                self._reply(404, {"error": "Record not found"})
            else:
                self._reply(200, status)

    def _upload_media(self) -> None:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + self._raw()
        )
        fields: dict[str, tuple[bytes, str]] = {}
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = (payload if isinstance(payload, bytes) else b"", part.get_content_type())
        data, content_type = fields.get("file", (b"", ""))
        if not data:
            self._reply(422, {"error": "Validation failed: File can't be blank"})
            return
        if not content_type.startswith("image/"):
            self._reply(422, {"error": "Validation failed: File content type is invalid"})
            return
        description = fields.get("description", (b"", ""))[0].decode("utf-8", errors="replace")
        state = self.server.state
        with state.lock:
            media_id = str(200000 + len(state.media) + 1)
            state.media[media_id] = {
                "id": media_id,
                "type": "image",
                "url": f"{self.server.base_url}/media/{media_id}",
                "description": description or None,
                "size": len(data),
            }
        self._reply(200, state.media[media_id])

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/api/v2/media":
            if self._authorised():
                self._upload_media()
            return
        if path != "/api/v1/statuses":
            self._reply(404, {"error": "Not found"})
        elif self._authorised():
            self._create_status()

    def _create_status(self) -> None:
        fault = self._fault()
        if self._apply_fault(fault):
            return
        body = self._body()
        text = body.get("status")
        if not isinstance(text, str) or not text.strip():
            self._reply(422, {"error": "Validation failed: Text can't be blank"})
            return
        if len(regex.findall(r"\X", text)) > self.server.max_characters:
            self._reply(422, {"error": "Validation failed: Text character limit exceeded"})
            return
        state = self.server.state
        media_ids = body.get("media_ids") or []
        if not isinstance(media_ids, list) or len(media_ids) > 4 or any(m not in state.media for m in media_ids):
            self._reply(422, {"error": "Validation failed: media_ids are invalid"})
            return
        reply_to = body.get("in_reply_to_id")
        if reply_to is not None and reply_to not in state.posts:
            self._reply(404, {"error": "Record not found"})
            return
        key = self.headers.get("Idempotency-Key") or ""
        with state.lock:
            status_id = state.idempotency.get(key) if key else None
            if status_id is None:
                status_id = str(100000 + len(state.posts) + 1)
                state.posts[status_id] = {
                    "id": status_id,
                    "url": f"{self.server.base_url}/@{self.server.username}/{status_id}",
                    "content": f"<p>{text}</p>",
                    "language": body.get("language"),
                    "visibility": body.get("visibility", "public"),
                    "in_reply_to_id": reply_to,
                    "account": {"acct": self.server.username},
                    "created_at": "2026-01-01T08:00:00.000Z",
                    "favourites_count": 0,
                    "reblogs_count": 0,
                    "replies_count": 0,
                    "media_attachments": [state.media[m] for m in media_ids],
                }
                if reply_to is not None:
                    state.posts[reply_to]["replies_count"] += 1
                state.writes += 1
                if key:
                    state.idempotency[key] = status_id
        if fault == "drop":
            self._drop()
            return
        self._reply(200, state.posts[status_id])


class FakeMastodon(_FakeServer):
    """A fake Mastodon instance with one account (``username``, bearer ``token``)."""

    def __init__(
        self, *, port: int = 0, token: str = MASTODON_TOKEN, username: str = "mofa", max_characters: int = 500
    ) -> None:
        super().__init__(_MastodonHandler, port)
        self.token = token
        self.username = username
        self.max_characters = max_characters
        self.revoked = False
        self.notifications: list[dict[str, Any]] = []

    def descendants(self, status_id: str) -> list[dict[str, Any]]:
        """Return the statuses below ``status_id`` (replies, replies to them...), oldest first."""
        found: list[dict[str, Any]] = []
        parents = {status_id}
        for status in self.state.posts.values():  # insertion order: a reply comes after what it answers
            if status.get("in_reply_to_id") in parents:
                found.append(status)
                parents.add(status["id"])
        return found

    def engage(self, status_id: str, *, favourites: int = 0, reblogs: int = 0) -> None:
        """Add favourites and reblogs to a status (as other users would)."""
        with self.state.lock:
            status = self.state.posts[status_id]
            status["favourites_count"] += favourites
            status["reblogs_count"] += reblogs

    def reply_from(self, status_id: str, *, acct: str, text: str, language: str = "en", mention: bool = False) -> str:
        """Store another user's public reply to ``status_id`` (and a mention notification if asked)."""
        with self.state.lock:
            reply_id = str(100000 + len(self.state.posts) + 1)
            reply = {
                "id": reply_id,
                "url": f"{self.base_url}/@{acct}/{reply_id}",
                "content": f"<p>{text}</p>",
                "language": language,
                "visibility": "public",
                "in_reply_to_id": status_id,
                "account": {"acct": acct},
                "created_at": "2026-01-02T09:30:00.000Z",
                "favourites_count": 0,
                "reblogs_count": 0,
                "replies_count": 0,
                "media_attachments": [],
            }
            self.state.posts[reply_id] = reply
            if status_id in self.state.posts:
                self.state.posts[status_id]["replies_count"] += 1
            if mention:
                self.notifications.append({"id": reply_id, "type": "mention", "status": reply})
        return reply_id


class _BlueskyHandler(_Handler):
    server: FakeBluesky

    def _session(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.server.tokens:
            self._reply(400, {"error": "InvalidToken", "message": "Token could not be verified"})
            return False
        return True

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/xrpc/app.bsky.feed.getPostThread":
            if self._session():
                self._post_thread(query.get("uri", ""))
            return
        if parts.path == "/xrpc/app.bsky.notification.listNotifications":
            if self._session():
                self._reply(200, {"notifications": list(reversed(self.server.notifications))})
            return
        if parts.path != "/xrpc/com.atproto.repo.getRecord":
            self._reply(404, {"error": "MethodNotImplemented"})
            return
        if not self._session():
            return
        uri = f"at://{query.get('repo', '')}/{query.get('collection', '')}/{query.get('rkey', '')}"
        record = self.server.state.posts.get(uri)
        if record is None:
            self._reply(400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"})
            return
        self._reply(200, record)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/xrpc/com.atproto.server.createSession":
            self._create_session()
        elif path == "/xrpc/com.atproto.repo.createRecord":
            if self._session():
                self._create_record()
        elif path == "/xrpc/com.atproto.repo.uploadBlob":
            if self._session():
                self._upload_blob()
        else:
            self._reply(404, {"error": "MethodNotImplemented"})

    def _create_session(self) -> None:
        body = self._body()
        server = self.server
        if body.get("identifier") not in {server.handle, server.did} or body.get("password") != server.password:
            self._reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            return
        token = secrets.token_urlsafe(16)
        server.tokens.add(token)
        self._reply(
            200, {"did": server.did, "handle": server.handle, "accessJwt": token, "refreshJwt": token + ".refresh"}
        )

    def _upload_blob(self) -> None:
        data = self._raw()
        mime_type = self.headers.get("Content-Type", "")
        if not data:
            self._reply(400, {"error": "InvalidRequest", "message": "Request body is empty"})
            return
        cid = "bafkrei" + secrets.token_hex(20)
        with self.server.state.lock:
            self.server.state.media[cid] = {"mimeType": mime_type, "size": len(data)}
        self._reply(200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime_type, "size": len(data)}})

    def _post_thread(self, uri: str) -> None:
        record = self.server.state.posts.get(uri)
        if record is None:
            self._reply(400, {"error": "NotFound", "message": f"Post not found: {uri}"})
            return
        self._reply(200, {"thread": self.server.thread_view(uri)})

    def _reply_error(self, record: dict[str, Any]) -> str:
        """Return why the record's ``reply`` references are invalid, or ""."""
        reply = record.get("reply")
        if reply is None:
            return ""
        for name in ("root", "parent"):
            ref = reply.get(name) if isinstance(reply, dict) else None
            target = self.server.state.posts.get(ref.get("uri", "")) if isinstance(ref, dict) else None
            if target is None or not isinstance(ref, dict) or ref.get("cid") != target["cid"]:
                return f"Record/reply/{name} must be a strong reference to an existing post"
        return ""

    def _external_error(self, embed: dict[str, Any]) -> str:
        external = embed.get("external")
        if not isinstance(external, dict) or not all(
            isinstance(external.get(key), str) for key in ("uri", "title", "description")
        ):
            return 'Record/embed/external must have the properties "uri", "title" and "description"'
        thumb = external.get("thumb")
        if thumb is not None:
            ref = thumb.get("ref") if isinstance(thumb, dict) else None
            if not isinstance(ref, dict) or ref.get("$link") not in self.server.state.media:
                return "Could not find blob for Record/embed/external/thumb"
        return ""

    def _embed_error(self, record: dict[str, Any]) -> str:  # noqa: PLR0911 - one answer per lexicon rule
        """Return why the record's ``app.bsky.embed.images`` or ``.external`` is invalid, or ""."""
        embed = record.get("embed")
        if embed is None:
            return ""
        if isinstance(embed, dict) and embed.get("$type") == "app.bsky.embed.external":
            return self._external_error(embed)
        images = embed.get("images") if isinstance(embed, dict) else None
        if not isinstance(images, list) or not 1 <= len(images) <= 4:
            return "Record/embed/images must be an array of 1 to 4 images"
        for index, image in enumerate(images):
            if not isinstance(image, dict) or not isinstance(image.get("alt"), str):
                return f'Record/embed/images/{index} must have the property "alt"'
            blob = image.get("image")
            ref = blob.get("ref") if isinstance(blob, dict) else None
            link = ref.get("$link") if isinstance(ref, dict) else None
            if link not in self.server.state.media:
                return f"Could not find blob: {link}"
            if self.server.state.media[link]["size"] > 1_000_000:
                return f"Record/embed/images/{index}/image is too big"
        return ""

    def _create_record(self) -> None:
        fault = self._fault()
        if self._apply_fault(fault):
            return
        body = self._body()
        record = body.get("record")
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            self._reply(400, {"error": "InvalidRequest", "message": "Record/text must be a string"})
            return
        problem = (self._embed_error(record) or self._reply_error(record)) if isinstance(record, dict) else ""
        if len(regex.findall(r"\X", text)) > 300 or len(text.encode()) > 3000:
            problem = "Record/text must not be longer than 300 graphemes"
        if problem:
            self._reply(400, {"error": "InvalidRequest", "message": problem})
            return
        if body.get("repo") != self.server.did:
            self._reply(400, {"error": "InvalidRequest", "message": "Invalid repo"})
            return
        rkey = str(body.get("rkey") or secrets.token_hex(6))
        uri = f"at://{self.server.did}/{body.get('collection')}/{rkey}"
        state = self.server.state
        with state.lock:
            if uri in state.posts:
                self._reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
                return
            cid = "bafyrei" + secrets.token_hex(20)
            state.posts[uri] = {"uri": uri, "cid": cid, "value": record}
            state.writes += 1
        if fault == "drop":
            self._drop()
            return
        self._reply(200, {"uri": uri, "cid": cid})


def _parent_uri(stored: dict[str, Any]) -> str:
    reply = stored["value"].get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    return str(parent.get("uri", "")) if isinstance(parent, dict) else ""


class FakeBluesky(_FakeServer):
    """A fake AT Protocol PDS with one account (``handle``, app ``password``)."""

    def __init__(self, *, port: int = 0, handle: str = "mofa.bsky.test", password: str = BLUESKY_PASSWORD) -> None:
        super().__init__(_BlueskyHandler, port)
        self.handle = handle
        self.did = "did:plc:" + secrets.token_hex(12)
        self.password = password
        self.tokens: set[str] = set()
        self.counts: dict[str, dict[str, int]] = {}
        self.notifications: list[dict[str, Any]] = []

    def _view(self, uri: str) -> dict[str, Any]:
        stored = self.state.posts[uri]
        author = stored.get("author", {"did": self.did, "handle": self.handle})
        counts = self.counts.get(uri, {})
        replies = sum(1 for other in self.state.posts.values() if _parent_uri(other) == uri)
        return {
            "uri": uri,
            "cid": stored["cid"],
            "author": author,
            "record": stored["value"],
            "likeCount": counts.get("likeCount", 0),
            "repostCount": counts.get("repostCount", 0),
            "replyCount": replies,
            "quoteCount": counts.get("quoteCount", 0),
            "indexedAt": "2026-01-01T08:00:00.000Z",
        }

    def thread_view(self, uri: str, depth: int = 0) -> dict[str, Any]:
        """Return an ``app.bsky.feed.defs#threadViewPost`` of ``uri`` with its replies (nested)."""
        children = [other_uri for other_uri, other in self.state.posts.items() if _parent_uri(other) == uri]
        return {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self._view(uri),
            "replies": [self.thread_view(child, depth + 1) for child in children] if depth < 10 else [],
        }

    def engage(self, uri: str, *, likes: int = 0, reposts: int = 0, quotes: int = 0) -> None:
        """Add likes, reposts and quotes to a post (as other users would)."""
        with self.state.lock:
            counts = self.counts.setdefault(uri, {})
            counts["likeCount"] = counts.get("likeCount", 0) + likes
            counts["repostCount"] = counts.get("repostCount", 0) + reposts
            counts["quoteCount"] = counts.get("quoteCount", 0) + quotes

    def reply_from(self, uri: str, *, handle: str, text: str, language: str = "en", mention: bool = False) -> str:
        """Store another user's reply to ``uri`` (and a mention notification if asked); return its at-URI."""
        with self.state.lock:
            parent = self.state.posts[uri]
            root = parent["value"].get("reply", {}).get("root") or {"uri": uri, "cid": parent["cid"]}
            reply_uri = f"at://did:plc:{secrets.token_hex(6)}/app.bsky.feed.post/{secrets.token_hex(6)}"
            record = {
                "$type": "app.bsky.feed.post",
                "text": text,
                "langs": [language],
                "createdAt": "2026-01-02T09:30:00.000Z",
                "reply": {"root": root, "parent": {"uri": uri, "cid": parent["cid"]}},
            }
            author = {"did": reply_uri.split("/")[2], "handle": handle}
            self.state.posts[reply_uri] = {
                "uri": reply_uri,
                "cid": "bafyrei" + secrets.token_hex(20),
                "value": record,
                "author": author,
            }
            if mention:
                self.notifications.append(
                    {"uri": reply_uri, "cid": "", "author": author, "reason": "mention", "record": record}
                )
        return reply_uri

    def revoke_sessions(self) -> None:
        """Invalidate every session token (the next call answers ``InvalidToken``)."""
        self.tokens.clear()


def main(argv: list[str] | None = None) -> None:
    """Run both fake servers in the foreground until interrupted (for the demo)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mastodon-port", type=int, default=8701)
    parser.add_argument("--bluesky-port", type=int, default=8702)
    args = parser.parse_args(argv)
    mastodon = FakeMastodon(port=args.mastodon_port).start()
    bluesky = FakeBluesky(port=args.bluesky_port).start()
    print(f"fake Mastodon on {mastodon.base_url} (token {mastodon.token})")
    print(f"fake Bluesky on {bluesky.base_url} (handle {bluesky.handle}, app password {bluesky.password})")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        mastodon.stop()
        bluesky.stop()


if __name__ == "__main__":
    main()
