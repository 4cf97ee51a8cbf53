"""The platforms' authentication protocols, as pure HTTP clients (no Django).

* Mastodon: the app is registered on the instance (``POST /api/v1/apps``), then OAuth 2 authorization
  code with PKCE (``/oauth/authorize``, ``POST /oauth/token``); the account is read back with
  ``GET /api/v1/accounts/verify_credentials``. Mastodon user tokens do not expire.
* X: OAuth 2.0 authorization code with PKCE (``<web>/i/oauth2/authorize``, ``POST /2/oauth2/token`` with
  the client's Basic credentials); ``offline.access`` gives a refresh token; access tokens last two hours.
* Facebook: the OAuth dialog (``<web>/<version>/dialog/oauth``), the code exchanged for a user token
  (``GET /oauth/access_token``), made long-lived (``grant_type=fb_exchange_token``), then the Page's own
  access token read from ``GET /me/accounts``.
* Bluesky: an app password opens a session (``com.atproto.server.createSession``) and the session is
  renewed with its refresh token (``com.atproto.server.refreshSession``).

Token endpoint refusals (``invalid_grant``, ``invalid_client``, HTTP 401) are :class:`CredentialsRejected`;
429/5xx/malformed answers are the usual transient errors.

Revocation when an account is disconnected: Mastodon ``POST /oauth/revoke`` (RFC 7009, with the app's
client credentials), X ``POST /2/oauth2/revoke`` (the refresh and the access token), Facebook
``DELETE /{user-id}/permissions`` (with the app access token; removes the app from the user, so the Page
token dies with it), Bluesky ``com.atproto.server.deleteSession`` (the refresh JWT; an app password can
only be revoked in Bluesky's settings).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import regex

from chancery.outreach.connectors import parsing
from chancery.outreach.connectors.base import DEFAULT_TIMEOUT, json_object, raise_for_status, send
from chancery.outreach.connectors.errors import CredentialsRejected, MalformedResponse
from chancery.outreach.connectors.facebook import GRAPH_VERSION, error_for
from chancery.platform.tls import client_ssl_context

MASTODON_SCOPES = "read:accounts write:statuses write:media"
X_SCOPES = "tweet.read tweet.write users.read media.write offline.access"
FACEBOOK_SCOPES = "pages_show_list,pages_manage_posts,pages_read_engagement,read_insights"
TOKEN_ERRORS = frozenset({"invalid_grant", "invalid_client", "unauthorized_client", "access_denied"})
_TOKEN = regex.compile(r"[\x21-\x7e]{1,4096}")


@dataclass(frozen=True, slots=True)
class Pkce:
    """A PKCE pair (RFC 7636): the secret ``verifier`` and its S256 ``challenge``."""

    verifier: str
    challenge: str


def pkce_new() -> Pkce:
    """Return a fresh PKCE verifier (43 URL-safe characters from 32 random bytes) and its S256 challenge."""
    verifier = secrets.token_urlsafe(32)
    return Pkce(verifier=verifier, challenge=pkce_challenge(verifier))


def pkce_challenge(verifier: str) -> str:
    """Return ``BASE64URL(SHA256(verifier))`` without padding (RFC 7636 section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def state_new() -> str:
    """Return a fresh, unguessable OAuth ``state`` value."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True, slots=True)
class TokenSet:
    """What a token endpoint granted: the access token, an optional refresh token and expiry time."""

    access_token: str
    refresh_token: str
    expires_at: datetime | None
    scope: str


def _token_string(value: object, *, what: str) -> str:
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        msg = f"token response: missing or invalid {what}"
        raise MalformedResponse(msg)
    return value


def token_set(body: bytes, *, now: datetime) -> TokenSet:
    """Parse an OAuth 2 token response (RFC 6749 section 5.1) received at ``now`` (MalformedResponse)."""
    data = json_object(body)
    expires_in = data.get("expires_in")
    if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in < 0):
        msg = "token response: invalid expires_in"
        raise MalformedResponse(msg)
    refresh = data.get("refresh_token", "")
    scope = data.get("scope", "")
    return TokenSet(
        access_token=_token_string(data.get("access_token"), what="access_token"),
        refresh_token=_token_string(refresh, what="refresh_token") if refresh else "",
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
        scope=scope if isinstance(scope, str) else "",
    )


def _token_check(response: httpx.Response, *, platform: str) -> None:
    """Map a token endpoint refusal to CredentialsRejected, other errors as usual."""
    if response.status_code in {400, 401}:
        try:
            error = json_object(response.content).get("error")
        except MalformedResponse:
            error = None
        if response.status_code == 401 or error in TOKEN_ERRORS:
            name = error if isinstance(error, str) and error in TOKEN_ERRORS else "refused"
            msg = f"{platform}: the authorisation was refused or has expired ({name}); authorise again"
            raise CredentialsRejected(msg)
    raise_for_status(response, platform=platform)


def _client(timeout: float) -> httpx.Client:
    return httpx.Client(
        timeout=timeout, headers={"Accept": "application/json"}, follow_redirects=False, verify=client_ssl_context()
    )


def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}"


# --- Mastodon ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MastodonApp:
    """An application registered on a Mastodon instance."""

    client_id: str
    client_secret: str


def mastodon_app_register(
    *, base_url: str, redirect_uri: str, client_name: str, website: str = "", timeout: float = DEFAULT_TIMEOUT
) -> MastodonApp:
    """Register Chancery as an application on the instance (``POST /api/v1/apps``)."""
    form = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": MASTODON_SCOPES}
    if website:
        form["website"] = website
    with _client(timeout) as client:
        response = send(client, "POST", f"{base_url.rstrip('/')}/api/v1/apps", platform="mastodon", data=form)
    raise_for_status(response, platform="mastodon")
    data = json_object(response.content)
    return MastodonApp(
        client_id=_token_string(data.get("client_id"), what="client_id"),
        client_secret=_token_string(data.get("client_secret"), what="client_secret"),
    )


def mastodon_authorize_url(*, base_url: str, client_id: str, redirect_uri: str, state: str, challenge: str) -> str:
    """Return the instance's authorization page address for the user to approve Chancery."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": MASTODON_SCOPES,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return _with_query(f"{base_url.rstrip('/')}/oauth/authorize", params)


def mastodon_token(
    *,
    base_url: str,
    app: MastodonApp,
    redirect_uri: str,
    code: str,
    verifier: str,
    now: datetime,
    timeout: float = DEFAULT_TIMEOUT,
) -> TokenSet:
    """Exchange the authorization code for a user access token (``POST /oauth/token``)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "scope": MASTODON_SCOPES,
    }
    with _client(timeout) as client:
        response = send(client, "POST", f"{base_url.rstrip('/')}/oauth/token", platform="mastodon", data=form)
    _token_check(response, platform="mastodon")
    return token_set(response.content, now=now)


def mastodon_username(*, base_url: str, access_token: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Return the ``acct`` of the token's account (``GET /api/v1/accounts/verify_credentials``)."""
    with _client(timeout) as client:
        response = send(
            client,
            "GET",
            f"{base_url.rstrip('/')}/api/v1/accounts/verify_credentials",
            platform="mastodon",
            headers={"Authorization": f"Bearer {access_token}"},
        )
    raise_for_status(response, platform="mastodon")
    acct = json_object(response.content).get("acct")
    if not isinstance(acct, str) or not regex.fullmatch(r"[\w.@-]{1,200}", acct):
        msg = "mastodon: verify_credentials has no valid acct"
        raise MalformedResponse(msg)
    return acct


def mastodon_revoke(*, base_url: str, app: MastodonApp, token: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Revoke an access token (``POST /oauth/revoke``, RFC 7009) with the app's client credentials."""
    form = {"client_id": app.client_id, "client_secret": app.client_secret, "token": token}
    with _client(timeout) as client:
        response = send(client, "POST", f"{base_url.rstrip('/')}/oauth/revoke", platform="mastodon", data=form)
    _token_check(response, platform="mastodon")


# --- X ----------------------------------------------------------------------------------------------


def x_authorize_url(*, web_base: str, client_id: str, redirect_uri: str, state: str, challenge: str) -> str:
    """Return X's authorization page address (``<web>/i/oauth2/authorize``) with PKCE."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": X_SCOPES,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return _with_query(f"{web_base.rstrip('/')}/i/oauth2/authorize", params)


def _x_token_call(
    *, base_url: str, client_id: str, client_secret: str, form: dict[str, str], now: datetime, timeout: float
) -> TokenSet:
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret else None
    with _client(timeout) as client:
        response = send(
            client,
            "POST",
            f"{base_url.rstrip('/')}/2/oauth2/token",
            platform="x",
            data={**form, "client_id": client_id},
            auth=auth,
        )
    _token_check(response, platform="x")
    return token_set(response.content, now=now)


def x_token(
    *,
    base_url: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    verifier: str,
    now: datetime,
    timeout: float = DEFAULT_TIMEOUT,
) -> TokenSet:
    """Exchange the authorization code (with the PKCE verifier) for access and refresh tokens."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    return _x_token_call(
        base_url=base_url, client_id=client_id, client_secret=client_secret, form=form, now=now, timeout=timeout
    )


def x_refresh(
    *,
    base_url: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    now: datetime,
    timeout: float = DEFAULT_TIMEOUT,
) -> TokenSet:
    """Renew the access token with the refresh token (X rotates the refresh token too)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _x_token_call(
        base_url=base_url, client_id=client_id, client_secret=client_secret, form=form, now=now, timeout=timeout
    )


def x_revoke(
    *, base_url: str, client_id: str, client_secret: str, token: str, hint: str, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Revoke an access or refresh token (``POST /2/oauth2/revoke``; ``hint`` names which it is)."""
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret else None
    form = {"token": token, "token_type_hint": hint, "client_id": client_id}
    with _client(timeout) as client:
        response = send(client, "POST", f"{base_url.rstrip('/')}/2/oauth2/revoke", platform="x", data=form, auth=auth)
    _token_check(response, platform="x")
    if json_object(response.content).get("revoked") is not True:
        msg = "x: the token was not revoked"
        raise MalformedResponse(msg)


# --- Facebook ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacebookPage:
    """A Page the user manages, with the Page's own access token."""

    page_id: str
    name: str
    access_token: str


def facebook_dialog_url(*, web_base: str, app_id: str, redirect_uri: str, state: str) -> str:
    """Return the Facebook Login dialog address asking for the Page permissions."""
    params = {
        "client_id": app_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
        "scope": FACEBOOK_SCOPES,
    }
    return _with_query(f"{web_base.rstrip('/')}/{GRAPH_VERSION}/dialog/oauth", params)


def _graph_get(base_url: str, path: str, params: dict[str, str], timeout: float) -> dict[str, Any]:
    with _client(timeout) as client:
        response = send(client, "GET", f"{base_url.rstrip('/')}{path}", platform="facebook", params=params)
    error = error_for(response)
    if error is not None:
        raise error
    return json_object(response.content)


def facebook_user_token(
    *,
    base_url: str,
    app_id: str,
    app_secret: str,
    redirect_uri: str,
    code: str,
    now: datetime,
    timeout: float = DEFAULT_TIMEOUT,
) -> TokenSet:
    """Exchange the dialog's code for a user token, then for a long-lived user token."""
    short = _graph_get(
        base_url,
        "/oauth/access_token",
        {"client_id": app_id, "client_secret": app_secret, "redirect_uri": redirect_uri, "code": code},
        timeout,
    )
    token = _token_string(short.get("access_token"), what="access_token")
    long_lived = _graph_get(
        base_url,
        "/oauth/access_token",
        {
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": token,
        },
        timeout,
    )
    expires_in = long_lived.get("expires_in")
    if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in < 0):
        msg = "facebook: invalid expires_in"
        raise MalformedResponse(msg)
    return TokenSet(
        access_token=_token_string(long_lived.get("access_token"), what="access_token"),
        refresh_token="",
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
        scope="",
    )


def facebook_pages(*, base_url: str, user_token: str, timeout: float = DEFAULT_TIMEOUT) -> list[FacebookPage]:
    """Return the Pages the user manages with their Page access tokens (``GET /me/accounts``)."""
    data = _graph_get(
        base_url, "/me/accounts", {"fields": "id,name,access_token", "access_token": user_token}, timeout
    ).get("data")
    if not isinstance(data, list):
        msg = "facebook: /me/accounts has no data list"
        raise MalformedResponse(msg)
    pages = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            msg = "facebook: /me/accounts has an invalid page"
            raise MalformedResponse(msg)
        page_id = entry.get("id")
        if not isinstance(page_id, str) or not page_id.isascii() or not page_id.isdigit():
            msg = "facebook: /me/accounts has a page without a valid id"
            raise MalformedResponse(msg)
        pages.append(
            FacebookPage(
                page_id=page_id,
                name=entry["name"][:200],
                access_token=_token_string(entry.get("access_token"), what="page access_token"),
            )
        )
    return pages


def facebook_user_id(*, base_url: str, user_token: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Return the app-scoped id of the user who signed in (``GET /me?fields=id``)."""
    user_id = _graph_get(base_url, "/me", {"fields": "id", "access_token": user_token}, timeout).get("id")
    if not isinstance(user_id, str) or not user_id.isascii() or not user_id.isdigit() or len(user_id) > 40:
        msg = "facebook: /me has no valid id"
        raise MalformedResponse(msg)
    return user_id


def facebook_permissions_delete(
    *, base_url: str, user_id: str, app_id: str, app_secret: str, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Remove the app from the user (``DELETE /{user-id}/permissions`` with the app access token)."""
    if not (user_id.isascii() and user_id.isdigit()):
        msg = "facebook: invalid user id"
        raise MalformedResponse(msg)
    with _client(timeout) as client:
        response = send(
            client,
            "DELETE",
            f"{base_url.rstrip('/')}/{user_id}/permissions",
            platform="facebook",
            params={"access_token": f"{app_id}|{app_secret}"},
        )
    error = error_for(response)
    if error is not None:
        raise error
    if json_object(response.content).get("success") is not True:
        msg = "facebook: the permissions were not removed"
        raise MalformedResponse(msg)


# --- Bluesky ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlueskyTokens:
    """An AT Protocol session: the account's DID and handle, and its access and refresh JWTs."""

    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str


def _bluesky_tokens(body: bytes) -> BlueskyTokens:
    session = parsing.bluesky_session(body)
    refresh = json_object(body).get("refreshJwt")
    return BlueskyTokens(
        did=session.did,
        handle=session.handle,
        access_jwt=session.access_jwt,
        refresh_jwt=_token_string(refresh, what="refreshJwt"),
    )


def _bluesky_check(response: httpx.Response) -> None:
    if response.status_code in {400, 401} and parsing.xrpc_error(response.content) in {
        "AuthenticationRequired",
        "ExpiredToken",
        "InvalidToken",
        "AccountTakedown",
    }:
        msg = "bluesky: the handle or app password was refused, or the session has expired; sign in again"
        raise CredentialsRejected(msg)
    raise_for_status(response, platform="bluesky")


def bluesky_session_create(
    *, base_url: str, identifier: str, app_password: str, timeout: float = DEFAULT_TIMEOUT
) -> BlueskyTokens:
    """Open a session with a handle (or DID) and an app password (``createSession``)."""
    with _client(timeout) as client:
        response = send(
            client,
            "POST",
            f"{base_url.rstrip('/')}/xrpc/com.atproto.server.createSession",
            platform="bluesky",
            json={"identifier": identifier, "password": app_password},
        )
    _bluesky_check(response)
    return _bluesky_tokens(response.content)


def bluesky_session_refresh(*, base_url: str, refresh_jwt: str, timeout: float = DEFAULT_TIMEOUT) -> BlueskyTokens:
    """Renew a session with its refresh JWT (``refreshSession``); CredentialsRejected when it has expired."""
    with _client(timeout) as client:
        response = send(
            client,
            "POST",
            f"{base_url.rstrip('/')}/xrpc/com.atproto.server.refreshSession",
            platform="bluesky",
            headers={"Authorization": f"Bearer {refresh_jwt}"},
        )
    _bluesky_check(response)
    return _bluesky_tokens(response.content)


def bluesky_session_delete(*, base_url: str, refresh_jwt: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """End the session of a refresh JWT (``com.atproto.server.deleteSession``)."""
    with _client(timeout) as client:
        response = send(
            client,
            "POST",
            f"{base_url.rstrip('/')}/xrpc/com.atproto.server.deleteSession",
            platform="bluesky",
            headers={"Authorization": f"Bearer {refresh_jwt}"},
        )
    _bluesky_check(response)
