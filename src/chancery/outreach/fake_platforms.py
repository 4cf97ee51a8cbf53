"""Local fake X and Facebook servers, and the sign-in endpoints of Mastodon and Bluesky, for the tests.

Built like :mod:`chancery.outreach.fake_servers` (threaded ``http.server`` on 127.0.0.1, posts in memory,
``fail_next(kind)`` faults on the next write: ``"429"``, ``"500"``, ``"malformed"``, ``"401"``, ``"drop"``)
and speaking the real endpoints the connectors and sign-in flows use:

* :class:`FakeX`: ``/i/oauth2/authorize`` (consents at once and redirects back with ``code`` and
  ``state``), ``POST /2/oauth2/token`` (Basic client credentials, PKCE S256 checked, refresh tokens
  rotated), ``GET /2/users/me``, ``POST /2/tweets`` (weighted 280, "duplicate content" 403, links
  rewritten to ``t.co`` and ``&`` escaped as X does), ``GET /2/tweets/:id``, ``GET /2/users/:id/tweets``,
  ``POST /2/media/upload`` and ``POST /2/media/metadata``, ``POST /2/oauth2/revoke``; for engagement
  ``GET /2/tweets?ids=`` (``public_metrics``; ``non_public_metrics`` unless ``non_public`` is off),
  ``GET /2/tweets/search/recent`` (``conversation_id:``) and ``GET /2/users/:id/mentions``, fed by
  ``engage()`` and ``reply_from()``; every answer carries ``x-rate-limit-*`` headers.
* :class:`FakeFacebook`: ``/<version>/dialog/oauth``, ``/<version>/oauth/access_token`` (code, then
  ``fb_exchange_token``), ``/<version>/me/accounts``, ``POST /<version>/<page>/feed`` and ``/photos``,
  ``GET /<version>/<page>/published_posts`` and ``GET /<version>/<post>?fields=...`` (with the
  ``reactions``/``comments`` summaries and ``shares``), ``/<post>/insights`` (refused with code 10 when
  ``insights`` is off), ``/<post>/comments``, ``/<page>/tagged``, ``GET /me`` and
  ``DELETE /<user>/permissions``; fed by ``engage()`` and ``comment_from()``. Errors are Graph error
  objects (code 190 for a bad token, 32 for the rate limit, 506 for a duplicate, 100 for a bad parameter).
* :class:`FakeMastodonAuth` adds ``POST /api/v1/apps``, ``/oauth/authorize``, ``POST /oauth/token``,
  ``POST /oauth/revoke`` and ``verify_credentials`` to the fake Mastodon; :class:`FakeBlueskyAuth` adds
  ``refreshSession`` and ``deleteSession``.

Never used by production code paths.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, override
from urllib.parse import parse_qs, urlencode, urlsplit

import regex

from chancery.outreach.fake_servers import FakeBluesky, FakeMastodon, _BlueskyHandler, _FakeServer, _Handler
from chancery.outreach.fake_servers import _MastodonHandler as _MastodonBase
from chancery.outreach.limits import x_check

X_CLIENT_ID = "fake-x-client"
X_CLIENT_SECRET = "fake-x-secret"  # noqa: S105 - a fake server's fixed test credential
FACEBOOK_APP_ID = "100200300"
FACEBOOK_APP_SECRET = "fake-facebook-secret"  # noqa: S105
GRAPH_VERSION = "v23.0"
_URL = regex.compile(r"https?://\S+")


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class Grant:
    """An authorization code waiting to be exchanged."""

    client_id: str
    redirect_uri: str
    challenge: str


@dataclass
class AuthState:
    """A fake authorisation server's codes and tokens (access token -> expiry, refresh tokens)."""

    codes: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, float] = field(default_factory=dict)
    refresh: set[str] = field(default_factory=set)
    deny: bool = False

    def issue(self, *, lifetime: int) -> tuple[str, str]:
        """Return a new (access, refresh) token pair, the access token valid ``lifetime`` seconds."""
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = time.time() + lifetime
        self.refresh.add(refresh)
        return access, refresh

    def valid(self, token: str) -> bool:
        """True when ``token`` is a live access token."""
        return self.access.get(token, 0) > time.time()

    def expire_all(self) -> None:
        """Make every access token expired (refresh tokens stay valid)."""
        self.access = dict.fromkeys(self.access, 0.0)

    def revoke_all(self) -> None:
        """Revoke every access and refresh token (the user removed the app)."""
        self.access.clear()
        self.refresh.clear()


class _AuthMixin(_Handler):
    """Authorization-page and form helpers shared by the fakes' OAuth endpoints."""

    def _query(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(self._raw().decode("utf-8", "replace")).items()}

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorize(self, auth: AuthState, *, client_id: str, pkce: bool) -> None:
        """Consent at once: redirect to ``redirect_uri`` with a fresh code (or ``access_denied``) and state."""
        query = self._query()
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != client_id or not redirect_uri.startswith(("http://", "https://")):
            self._reply(400, {"error": "invalid_request", "error_description": "unknown client or redirect_uri"})
            return
        if pkce and (query.get("code_challenge_method") != "S256" or not query.get("code_challenge")):
            self._reply(400, {"error": "invalid_request", "error_description": "PKCE S256 required"})
            return
        params = {"state": query.get("state", "")}
        if auth.deny:
            params["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(16)
            auth.codes[code] = Grant(client_id, redirect_uri, query.get("code_challenge", ""))
            params["code"] = code
        separator = "&" if "?" in redirect_uri else "?"
        self._redirect(f"{redirect_uri}{separator}{urlencode(params)}")

    def _redeem(self, auth: AuthState, form: dict[str, str], *, client_id: str, pkce: bool) -> bool:
        """Check and consume an authorization code; answer ``invalid_grant`` and return False if wrong."""
        grant = auth.codes.pop(form.get("code", ""), None)
        ok = (
            grant is not None
            and grant.client_id == client_id
            and grant.redirect_uri == form.get("redirect_uri")
            and (not pkce or _challenge(form.get("code_verifier", "")) == grant.challenge)
        )
        if not ok:
            self._reply(400, {"error": "invalid_grant", "error_description": "invalid code or verifier"})
        return ok


# --- X ----------------------------------------------------------------------------------------------


class _XHandler(_AuthMixin):
    server: FakeX

    def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        limits = {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": str(self.server.remaining),
            "x-rate-limit-reset": str(int(time.time()) + self.server.reset_in),
        }
        super()._reply(status, body, {**limits, **(headers or {})})

    def _problem(self, status: int, title: str, detail: str) -> None:
        self._reply(status, {"title": title, "detail": detail, "type": "about:blank", "status": status})

    def _user_ok(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not self.server.auth.valid(token):
            self._problem(401, "Unauthorized", "Unauthorized")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server dispatches on this name
        path = urlsplit(self.path).path
        if path == "/i/oauth2/authorize":
            self._authorize(self.server.auth, client_id=self.server.client_id, pkce=True)
            return
        if not self._user_ok():
            return
        server = self.server
        if path == "/2/users/me":
            self._reply(200, {"data": {"id": server.user_id, "name": "MOFA", "username": server.username}})
        elif path == "/2/tweets":
            self._lookup()
        elif path == "/2/tweets/search/recent":
            query = self._query().get("query", "")
            wanted = query.removeprefix("conversation_id:")
            found = [p for p in server.state.posts.values() if p["conversation_id"] == wanted and p["id"] != wanted]
            self._reply(200, self._social(found))
        elif match := regex.fullmatch(r"/2/users/([0-9]+)/mentions", path):
            found = [p for p in reversed(server.state.posts.values()) if p.get("mentions") == match.group(1)]
            self._reply(200, self._social(found[: int(self._query().get("max_results", "10"))]))
        elif match := regex.fullmatch(r"/2/tweets/([0-9]+)", path):
            post = server.state.posts.get(match.group(1))
            if post is None:
                self._reply(404, {"errors": [{"detail": "Could not find tweet"}], "title": "Not Found Error"})
            else:
                self._reply(200, {"data": {k: post[k] for k in ("id", "text", "author_id", "edit_history_tweet_ids")}})
        elif match := regex.fullmatch(r"/2/users/([0-9]+)/tweets", path):
            since = self._query().get("start_time", "")
            posts = [
                p
                for p in reversed(server.state.posts.values())
                if p["author_id"] == match.group(1) and p["created_at"] >= since
            ]
            posts = posts[: int(self._query().get("max_results", "10"))]
            body: dict[str, Any] = {"meta": {"result_count": len(posts)}}
            if posts:
                body["data"] = [{"id": p["id"], "text": p["text"], "edit_history_tweet_ids": [p["id"]]} for p in posts]
            self._reply(200, body)
        else:
            self._problem(404, "Not Found Error", "Unknown endpoint")

    def _lookup(self) -> None:
        """``GET /2/tweets?ids=``: metrics; ``non_public_metrics`` only where ``non_public`` allows it."""
        server, query = self.server, self._query()
        fields = query.get("tweet.fields", "").split(",")
        if "non_public_metrics" in fields and not server.non_public:
            self._problem(403, "Forbidden", "Authorization Error: non_public_metrics are not available")
            return
        data, errors = [], []
        for post_id in query.get("ids", "").split(","):
            post = server.state.posts.get(post_id)
            if post is None:
                errors.append(
                    {
                        "value": post_id,
                        "detail": f"Could not find tweet with ids: [{post_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                    }
                )
                continue
            entry: dict[str, Any] = {"id": post["id"], "text": post["text"], "edit_history_tweet_ids": [post["id"]]}
            if "public_metrics" in fields:
                entry["public_metrics"] = dict(post["public_metrics"])
            if "non_public_metrics" in fields:
                entry["non_public_metrics"] = {"impression_count": post["impressions"], "url_link_clicks": 0}
            data.append(entry)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        self._reply(200, body)

    def _social(self, posts: list[dict[str, Any]]) -> dict[str, Any]:
        """A list answer with ``expansions=author_id``: posts in ``data``, their authors in ``includes.users``."""
        if not posts:
            return {"meta": {"result_count": 0}}
        data = []
        for post in posts:
            entry = {key: post[key] for key in ("id", "text", "author_id", "created_at", "lang", "conversation_id")}
            if post.get("reply_to"):
                entry["referenced_tweets"] = [{"type": "replied_to", "id": post["reply_to"]}]
            data.append(entry)
        users = {
            p["author_id"]: {"id": p["author_id"], "username": p["username"], "name": p["username"]} for p in posts
        }
        return {"data": data, "includes": {"users": list(users.values())}, "meta": {"result_count": len(data)}}

    def do_POST(self) -> None:  # noqa: N802 - http.server dispatches on this name
        path = urlsplit(self.path).path
        if path == "/2/oauth2/token":
            self._token()
        elif path == "/2/oauth2/revoke":
            self._revoke()
        elif not self._user_ok():
            return
        elif path == "/2/tweets":
            self._create()
        elif path == "/2/media/upload":
            self._media()
        elif path == "/2/media/metadata":
            body = self._body()
            media = self.server.state.media.get(str(body.get("id")))
            if media is None:
                self._problem(400, "Invalid Request", "unknown media id")
                return
            media["alt_text"] = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
            self._reply(200, {"data": {"id": media["id"], "associated_metadata": True}})
        else:
            self._problem(404, "Not Found Error", "Unknown endpoint")

    def _revoke(self) -> None:
        """``POST /2/oauth2/revoke``: the client authenticates; the token (access or refresh) stops working."""
        server = self.server
        expected = "Basic " + base64.b64encode(f"{server.client_id}:{server.client_secret}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._reply(401, {"error": "invalid_client", "error_description": "client authentication failed"})
            return
        if self._fault() == "500":
            self._reply(503, {"title": "Service Unavailable", "status": 503})
            return
        token = self._form().get("token", "")
        server.auth.access.pop(token, None)
        server.auth.refresh.discard(token)
        server.revocations += 1
        self._reply(200, {"revoked": True})

    def _token(self) -> None:
        server = self.server
        expected = "Basic " + base64.b64encode(f"{server.client_id}:{server.client_secret}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._reply(401, {"error": "invalid_client", "error_description": "client authentication failed"})
            return
        form = self._form()
        if form.get("grant_type") == "authorization_code":
            if not self._redeem(server.auth, form, client_id=server.client_id, pkce=True):
                return
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in server.auth.refresh:
                self._reply(
                    400, {"error": "invalid_grant", "error_description": "Value passed for the token was invalid."}
                )
                return
            server.auth.refresh.discard(form["refresh_token"])
        else:
            self._reply(400, {"error": "unsupported_grant_type"})
            return
        access, refresh = server.auth.issue(lifetime=server.token_lifetime)
        self._reply(
            200,
            {
                "token_type": "bearer",
                "expires_in": server.token_lifetime,
                "access_token": access,
                "refresh_token": refresh,
                "scope": "tweet.read tweet.write users.read media.write offline.access",
            },
        )

    def _media(self) -> None:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + self._raw()
        )
        data = b""
        for part in message.iter_parts() if message.is_multipart() else []:
            if part.get_param("name", header="content-disposition") == "media":
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
        if not data:
            self._problem(400, "Invalid Request", "media is required")
            return
        media_id = str(1_900_000_000_000_000_000 + len(self.server.state.media) + 1)
        self.server.state.media[media_id] = {"id": media_id, "size": len(data), "alt_text": None}
        self._reply(200, {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}})

    def _create(self) -> None:  # noqa: PLR0911 - one answer per fault and refusal
        fault = self._fault()
        if fault == "429":
            self.server.remaining = 0
            self._problem(429, "Too Many Requests", "Too Many Requests")
            return
        if fault == "401":
            self._problem(401, "Unauthorized", "Unauthorized")
            return
        if self._apply_fault(fault):
            return
        body = self._body()
        text = body.get("text")
        if not isinstance(text, str) or not text:
            self._problem(400, "Invalid Request", "One or more parameters to your request was invalid.")
            return
        if not x_check(text).ok:
            self._problem(403, "Forbidden", "Your Tweet text is too long.")
            return
        state = self.server.state
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if any(m not in state.media for m in media_ids):
            self._problem(400, "Invalid Request", "Your media IDs are invalid.")
            return
        stored = _URL.sub(lambda _m: "https://t.co/" + secrets.token_hex(5), html.escape(text, quote=False))
        with state.lock:
            if any(p["text_sent"] == text for p in state.posts.values()):
                self._problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
                return
            post_id = str(1_800_000_000_000_000_000 + len(state.posts) + 1)
            state.posts[post_id] = {
                "id": post_id,
                "text": stored,
                "author_id": self.server.user_id,
                "edit_history_tweet_ids": [post_id],
                "text_sent": text,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "reply_to": (body.get("reply") or {}).get("in_reply_to_tweet_id"),
                "media_ids": media_ids,
                "username": self.server.username,
                "lang": "und",
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
                "impressions": 0,
            }
            parent = state.posts.get(str(state.posts[post_id]["reply_to"]))
            state.posts[post_id]["conversation_id"] = parent["conversation_id"] if parent else post_id
            if parent is not None:
                parent["public_metrics"]["reply_count"] += 1
            state.writes += 1
        if fault == "drop":
            self._drop()
            return
        self._reply(201, {"data": {"id": post_id, "text": stored, "edit_history_tweet_ids": [post_id]}})


class FakeX(_FakeServer):
    """A fake X (API and authorization page on one port) with one user and one registered OAuth client."""

    def __init__(self, *, port: int = 0, username: str = "MOFAVietNam", token_lifetime: int = 7200) -> None:
        super().__init__(_XHandler, port)
        self.client_id = X_CLIENT_ID
        self.client_secret = X_CLIENT_SECRET
        self.user_id = "1234567890"
        self.username = username
        self.token_lifetime = token_lifetime
        self.auth = AuthState()
        self.remaining = 100
        self.reset_in = 900
        self.non_public = True  # whether the token may read non_public_metrics
        self.revocations = 0

    def token_new(self) -> str:
        """Return a live access token for the user, as if the OAuth flow had been completed."""
        return self.auth.issue(lifetime=self.token_lifetime)[0]

    def engage(self, post_id: str, *, likes: int = 0, reposts: int = 0, quotes: int = 0, impressions: int = 0) -> None:
        """Add likes, reposts, quotes and impressions to a post (as other users would)."""
        with self.state.lock:
            post = self.state.posts[post_id]
            metrics = post["public_metrics"]
            metrics["like_count"] += likes
            metrics["retweet_count"] += reposts
            metrics["quote_count"] += quotes
            post["impressions"] += impressions

    def reply_from(self, post_id: str, *, username: str, text: str, lang: str = "en", mention: bool = False) -> str:
        """Store another user's reply to ``post_id`` (a mention of the account too, if asked); return its id."""
        with self.state.lock:
            parent = self.state.posts[post_id]
            reply_id = str(1_800_000_000_000_000_000 + len(self.state.posts) + 1)
            self.state.posts[reply_id] = {
                "id": reply_id,
                "text": text,
                "text_sent": text,
                "author_id": str(5_000_000 + len(self.state.posts)),
                "username": username,
                "edit_history_tweet_ids": [reply_id],
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "reply_to": post_id,
                "conversation_id": parent["conversation_id"],
                "lang": lang,
                "media_ids": [],
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
                "impressions": 0,
                "mentions": self.user_id if mention else "",
            }
            parent["public_metrics"]["reply_count"] += 1
        return reply_id


# --- Facebook ---------------------------------------------------------------------------------------


class _FacebookHandler(_AuthMixin):
    server: FakeFacebook

    def _graph_error(self, status: int, code: int, message: str, subcode: int = 0) -> None:
        error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Afake"}
        if subcode:
            error["error_subcode"] = subcode
        self._reply(status, {"error": error})

    def _token(self) -> str:
        header = self.headers.get("Authorization", "")
        return header.removeprefix("Bearer ") if header.startswith("Bearer ") else self._query().get("access_token", "")

    def _page_ok(self) -> bool:
        token = self._token()
        if token != self.server.page_token or self.server.revoked:
            self._graph_error(400, 190, "Error validating access token: Session has expired.", 463)
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802, PLR0912 - http.server dispatches on this name; one branch per endpoint
        server = self.server
        path = urlsplit(self.path).path.removeprefix(f"/{GRAPH_VERSION}")
        query = self._query()
        if path == "/dialog/oauth":
            self._authorize(server.auth, client_id=server.app_id, pkce=False)
        elif path == "/oauth/access_token":
            self._access_token(query)
        elif path == "/me":
            if not server.auth.valid(self._token()):
                self._graph_error(400, 190, "Error validating access token: The user has not authorized application.")
                return
            self._reply(200, {"id": server.user_id})
        elif path == "/me/accounts":
            if not server.auth.valid(self._token()):
                self._graph_error(400, 190, "Error validating access token: The user has not authorized application.")
                return
            pages = [{"id": server.page_id, "name": server.page_name, "access_token": server.page_token}]
            pages += [{"id": pid, "name": name, "access_token": secrets.token_urlsafe(8)} for pid, name in server.extra]
            self._reply(200, {"data": pages, "paging": {"cursors": {"before": "a", "after": "b"}}})
        elif path == f"/{server.page_id}/published_posts":
            if self._page_ok():
                limit = int(query.get("limit", "25"))
                since = int(query.get("since", "0"))
                posts = [
                    self._public(post)
                    for post in reversed(server.state.posts.values())
                    if post["created_unix"] >= since
                ][:limit]
                self._reply(200, {"data": posts})
        elif path == f"/{server.page_id}/tagged":
            if self._page_ok():
                self._reply(200, {"data": [dict(c) for c in reversed(server.tagged)][: int(query.get("limit", "25"))]})
        elif match := regex.fullmatch(r"/([0-9]+_[0-9]+)(/insights|/comments)?", path):
            if self._page_ok():
                post = server.state.posts.get(match.group(1))
                if post is None:
                    self._graph_error(400, 100, "Unsupported get request. Object does not exist.", 33)
                elif match.group(2) == "/insights":
                    self._insights(post)
                elif match.group(2) == "/comments":
                    self._reply(200, {"data": [dict(c) for c in post["comments"]], "paging": {}})
                else:
                    self._reply(200, self._fields(post, query.get("fields", "")))
        else:
            self._graph_error(400, 803, "Some of the aliases you requested do not exist")

    def _public(self, post: dict[str, Any]) -> dict[str, Any]:
        return {key: post[key] for key in ("id", "message", "permalink_url", "created_time")}

    def _fields(self, post: dict[str, Any], fields: str) -> dict[str, Any]:
        """The post with the engagement edges asked for in ``fields`` (summaries as the Graph API gives them)."""
        answer = self._public(post)
        if "reactions.summary(" in fields:
            answer["reactions"] = {"data": [], "summary": {"total_count": post["reactions"], "viewer_reaction": "NONE"}}
        if "comments.summary(" in fields:
            total = len(post["comments"])
            answer["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": total, "can_comment": True}}
        if "shares" in fields.split(",") and post["shares"]:  # the field is absent while nobody has shared
            answer["shares"] = {"count": post["shares"]}
        return answer

    def _insights(self, post: dict[str, Any]) -> None:
        if not self.server.insights:
            self._graph_error(400, 10, "(#10) Requires read_insights permission")
            return
        metric = {
            "name": "post_impressions_unique",
            "period": "lifetime",
            "values": [{"value": post["reach"]}],
            "title": "Lifetime Post Total Reach",
            "id": f"{post['id']}/insights/post_impressions_unique/lifetime",
        }
        self._reply(200, {"data": [metric], "paging": {}})

    def _access_token(self, query: dict[str, str]) -> None:
        server = self.server
        if query.get("client_id") != server.app_id or query.get("client_secret") != server.app_secret:
            self._graph_error(400, 1, "Error validating client secret.")
            return
        if query.get("grant_type") == "fb_exchange_token":
            if not server.auth.valid(query.get("fb_exchange_token", "")):
                self._graph_error(400, 190, "Error validating access token.")
                return
            access, _ = server.auth.issue(lifetime=5_184_000)
            self._reply(200, {"access_token": access, "token_type": "bearer", "expires_in": 5_184_000})
            return
        grant = server.auth.codes.pop(query.get("code", ""), None)
        if grant is None or grant.redirect_uri != query.get("redirect_uri"):
            self._graph_error(400, 100, "Invalid verification code format.", 36007)
            return
        access, _ = server.auth.issue(lifetime=3600)
        self._reply(200, {"access_token": access, "token_type": "bearer", "expires_in": 3600})

    def do_POST(self) -> None:  # noqa: N802 - http.server dispatches on this name
        server = self.server
        path = urlsplit(self.path).path.removeprefix(f"/{GRAPH_VERSION}")
        if path == f"/{server.page_id}/photos":
            if self._page_ok():
                self._photo()
        elif path == f"/{server.page_id}/feed":
            if self._page_ok():
                self._feed()
        else:
            self._graph_error(400, 100, "Unsupported post request.")

    def do_DELETE(self) -> None:  # noqa: N802 - http.server dispatches on this name
        """``DELETE /{user-id}/permissions`` with the app access token: the user removes the app."""
        server = self.server
        path = urlsplit(self.path).path.removeprefix(f"/{GRAPH_VERSION}")
        if path != f"/{server.user_id}/permissions":
            self._graph_error(400, 100, "Unsupported delete request.")
            return
        if self._token() != f"{server.app_id}|{server.app_secret}":
            self._graph_error(400, 190, "Invalid OAuth access token signature.")
            return
        if self._fault() == "500":
            self._graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.")
            return
        server.revoked = True  # the Page token dies with the user's grant
        server.auth.revoke_all()
        self._reply(200, {"success": True})

    def _photo(self) -> None:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + self._raw()
        )
        fields: dict[str, bytes] = {}
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str):
                fields[name] = payload if isinstance(payload, bytes) else b""
        if not fields.get("source"):
            self._graph_error(400, 324, "Requires upload file")
            return
        photo_id = str(700_000 + len(self.server.state.media) + 1)
        self.server.state.media[photo_id] = {
            "alt_text_custom": fields.get("alt_text_custom", b"").decode(),
            "published": fields.get("published", b"").decode(),
        }
        self._reply(200, {"id": photo_id})

    def _feed(self) -> None:  # noqa: PLR0911 - one answer per fault and refusal
        fault = self._fault()
        if fault == "429":
            self._graph_error(400, 32, "Page request limit reached")
            return
        if fault == "limit4":
            self._graph_error(400, 4, "Application request limit reached")
            return
        if fault == "401":
            self._graph_error(400, 190, "Error validating access token: The session has been invalidated.", 460)
            return
        if fault == "500":
            self._graph_error(500, 2, "An unexpected error has occurred. Please retry your request later.")
            return
        if self._apply_fault(fault):
            return
        form = self._form()
        message = form.get("message", "")
        if not message and not form.get("link"):
            self._graph_error(400, 100, "(#100) Missing message or attachment")
            return
        if len(message) > 63206:
            self._graph_error(400, 100, "(#100) The message is too long")
            return
        state = self.server.state
        attached = [json.loads(v).get("media_fbid") for k, v in form.items() if k.startswith("attached_media[")]
        if any(media_id not in state.media for media_id in attached):
            self._graph_error(400, 100, "(#100) attached_media is invalid")
            return
        with state.lock:
            if any(post["message"] == message for post in state.posts.values()):
                self._graph_error(400, 506, "(#506) Duplicate status message")
                return
            number = str(900_000 + len(state.posts) + 1)
            post_id = f"{self.server.page_id}_{number}"
            state.posts[post_id] = {
                "id": post_id,
                "message": message,
                "link": form.get("link", ""),
                "attached_media": attached,
                "permalink_url": f"{self.server.base_url}/{self.server.page_id}/posts/{number}",
                "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
                "created_unix": int(time.time()),
                "reactions": 0,
                "shares": 0,
                "reach": 0,
                "comments": [],
            }
            state.writes += 1
        if fault == "drop":
            self._drop()
            return
        self._reply(200, {"id": post_id})


class FakeFacebook(_FakeServer):
    """A fake Facebook (Graph API ``/<version>`` and the login dialog) with one user managing one Page.

    ``extra`` lists more pages (id, name) the user manages; ``revoked`` makes the page token invalid.
    """

    def __init__(self, *, port: int = 0, page_id: str = "111222333", page_name: str = "Bộ Ngoại giao") -> None:
        super().__init__(_FacebookHandler, port)
        self.app_id = FACEBOOK_APP_ID
        self.app_secret = FACEBOOK_APP_SECRET
        self.page_id = page_id
        self.page_name = page_name
        self.page_token = secrets.token_urlsafe(24)
        self.extra: list[tuple[str, str]] = []
        self.revoked = False
        self.auth = AuthState()
        self.insights = True  # whether the page token may read post insights (read_insights)
        self.user_id = "10001"  # the app-scoped id of the user managing the page
        self.tagged: list[dict[str, Any]] = []

    def engage(self, post_id: str, *, reactions: int = 0, shares: int = 0, reach: int = 0) -> None:
        """Add reactions, shares and reach to a page post (as other users would)."""
        with self.state.lock:
            post = self.state.posts[post_id]
            post["reactions"] += reactions
            post["shares"] += shares
            post["reach"] += reach

    def comment_from(self, post_id: str, *, name: str, text: str, mention: bool = False) -> str:
        """Store another user's comment on ``post_id`` (and a post tagging the page, if asked); return its id."""
        with self.state.lock:
            post = self.state.posts[post_id]
            number = post_id.split("_")[1]
            comment_id = f"{number}_{800_000 + len(post['comments']) + 1}"
            post["comments"].append(
                {
                    "id": comment_id,
                    "message": text,
                    "from": {"name": name, "id": str(600_000 + len(post["comments"]))},
                    "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
                    "permalink_url": f"{self.base_url}/{self.page_id}/posts/{number}?comment_id={comment_id}",
                }
            )
            if mention:
                tag_id = f"{600_000 + len(self.tagged)}_{990_000 + len(self.tagged)}"
                self.tagged.append(
                    {
                        "id": tag_id,
                        "message": f"@{self.page_name} {text}",
                        "from": {"name": name, "id": tag_id.split("_", maxsplit=1)[0]},
                        "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
                        "permalink_url": f"{self.base_url}/{tag_id.replace('_', '/posts/')}",
                    }
                )
        return comment_id

    @property
    def graph_url(self) -> str:
        """Return the versioned Graph API base (``http://127.0.0.1:<port>/v23.0``)."""
        return f"{self.base_url}/{GRAPH_VERSION}"


# --- Mastodon and Bluesky sign-in -------------------------------------------------------------------


class _MastodonAuthHandler(_MastodonBase, _AuthMixin):
    server: FakeMastodonAuth

    @override
    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/oauth/authorize":
            client_id = self._query().get("client_id", "")
            self._authorize(self.server.auth, client_id=client_id if client_id in self.server.apps else "", pkce=True)
        elif path == "/api/v1/accounts/verify_credentials":
            if self._authorised():
                self._reply(200, {"id": "1", "username": self.server.username, "acct": self.server.username})
        else:
            super().do_GET()

    @override
    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        server = self.server
        if path == "/api/v1/apps":
            form = self._form()
            if not form.get("client_name") or not form.get("redirect_uris"):
                self._reply(422, {"error": "Validation failed: Application name can't be blank"})
                return
            client_id, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(24)
            server.apps[client_id] = secret
            self._reply(
                200,
                {"id": "1", "name": form["client_name"], "client_id": client_id, "client_secret": secret},
            )
        elif path == "/oauth/revoke":
            form = self._form()
            if server.apps.get(form.get("client_id", "")) != form.get("client_secret"):
                self._reply(403, {"error": "unauthorized_client", "error_description": "You are not authorized"})
                return
            if self._fault() == "500":
                self._reply(500, {"error": "Internal server error"})
                return
            if form.get("token") == server.token:
                server.revoked = True
            self._reply(200, {})
        elif path == "/oauth/token":
            form = self._form()
            client_id = form.get("client_id", "")
            if server.apps.get(client_id) != form.get("client_secret"):
                self._reply(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
                return
            if not self._redeem(server.auth, form, client_id=client_id, pkce=True):
                return
            server.token = secrets.token_urlsafe(24)
            server.revoked = False
            self._reply(200, {"access_token": server.token, "token_type": "Bearer", "scope": form.get("scope", "")})
        else:
            super().do_POST()


class FakeMastodonAuth(FakeMastodon):
    """The fake Mastodon with app registration and OAuth 2 (authorization code with PKCE)."""

    def __init__(self, *, port: int = 0, username: str = "mofa") -> None:
        super().__init__(port=port, username=username)
        self.RequestHandlerClass = _MastodonAuthHandler
        self.apps: dict[str, str] = {}
        self.auth = AuthState()


class _BlueskyAuthHandler(_BlueskyHandler):
    server: FakeBlueskyAuth

    @override
    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/xrpc/com.atproto.server.deleteSession":
            self._delete_session()
            return
        if path != "/xrpc/com.atproto.server.refreshSession":
            super().do_POST()
            return
        refresh = self.headers.get("Authorization", "").removeprefix("Bearer ")
        server = self.server
        if not refresh.endswith(".refresh") or refresh.removesuffix(".refresh") not in server.tokens:
            self._reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
            return
        server.tokens.discard(refresh.removesuffix(".refresh"))
        token = secrets.token_urlsafe(16)
        server.tokens.add(token)
        self._reply(
            200, {"did": server.did, "handle": server.handle, "accessJwt": token, "refreshJwt": token + ".refresh"}
        )

    def _delete_session(self) -> None:
        """``deleteSession`` with the refresh JWT as bearer: the session (access and refresh) ends."""
        refresh = self.headers.get("Authorization", "").removeprefix("Bearer ")
        server = self.server
        if self._fault() == "500":
            self._reply(500, {"error": "InternalServerError", "message": "Internal Server Error"})
            return
        if not refresh.endswith(".refresh") or refresh.removesuffix(".refresh") not in server.tokens:
            self._reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
            return
        server.tokens.discard(refresh.removesuffix(".refresh"))
        server.sessions_deleted += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class FakeBlueskyAuth(FakeBluesky):
    """The fake PDS with ``com.atproto.server.refreshSession``."""

    def __init__(self, *, port: int = 0) -> None:
        super().__init__(port=port)
        self.RequestHandlerClass = _BlueskyAuthHandler
        self.sessions_deleted = 0


def main(argv: list[str] | None = None) -> None:
    """Run the fake X and Facebook in the foreground until interrupted (to try the sign-in pages by hand)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--x-port", type=int, default=8703)
    parser.add_argument("--facebook-port", type=int, default=8704)
    args = parser.parse_args(argv)
    fake_x = FakeX(port=args.x_port).start()
    facebook = FakeFacebook(port=args.facebook_port).start()
    print(f"fake X on {fake_x.base_url}: CHANCERY_OUTREACH_X_CLIENT_ID={X_CLIENT_ID}")
    print(f"  CHANCERY_OUTREACH_X_CLIENT_SECRET={X_CLIENT_SECRET}; server address and web address {fake_x.base_url}")
    print(f"fake Facebook on {facebook.base_url}: CHANCERY_OUTREACH_FACEBOOK_APP_ID={FACEBOOK_APP_ID}")
    print(f"  CHANCERY_OUTREACH_FACEBOOK_APP_SECRET={FACEBOOK_APP_SECRET}; server address {facebook.graph_url}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake_x.stop()
        facebook.stop()


if __name__ == "__main__":
    main()
