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

The three OAuth 2 platforms go through one :class:`OAuthServer` each (``MASTODON``, ``X``, ``FACEBOOK``),
which holds the endpoints, the client authentication style, PKCE and the answers' quirks, with Chancery's
:class:`OAuthClient` there; the functions below are the platforms' steps outside OAuth 2 (registering the
Mastodon app, Facebook's long-lived token, Pages and permissions, Bluesky's sessions).

Token endpoint refusals (``invalid_grant``, ``invalid_client``, HTTP 401) are :class:`CredentialsRejected`
(Facebook's Graph API errors are mapped by :func:`chancery.outreach.connectors.facebook.error_for`);
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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
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
    """Map a token endpoint refusal (RFC 6749 section 5.2) to CredentialsRejected, other errors as usual."""
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


def _graph_check(response: httpx.Response, *, platform: str) -> None:
    """Map a Graph API error answer to its ConnectorError (``platform`` is always Facebook's)."""
    error = error_for(response)
    if error is not None:
        raise error


def _client(timeout: float) -> httpx.Client:
    return httpx.Client(
        timeout=timeout, headers={"Accept": "application/json"}, follow_redirects=False, verify=client_ssl_context()
    )


def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}"


def _confirmed(response: httpx.Response, *, member: str, msg: str) -> None:
    """Raise MalformedResponse(msg) unless the answer's JSON object sets ``member`` to true."""
    if json_object(response.content).get(member) is not True:
        raise MalformedResponse(msg)


class _Refusal(Protocol):
    def __call__(self, response: httpx.Response, *, platform: str) -> None: ...


# --- The OAuth 2 client, one for every platform ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """Chancery's registration at an authorization server: an app on a Mastodon instance, X or Facebook."""

    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class OAuthServer:
    """One platform's OAuth 2 authorization server, and how Chancery talks to it.

    ``authorize_path`` is below the web address, ``grant_path`` (the token endpoint) and ``revoke_path``
    below the API address. ``grant_method`` is POST with a form (RFC 6749) or GET with query parameters
    (Facebook). ``client_auth`` is ``client_secret_basic`` (HTTP Basic when there is a secret, the
    ``client_id`` also in the form: X) or ``client_secret_post`` (both in the form or the query). ``pkce``
    asks for an S256 challenge and sends the verifier; ``scope_on_token`` repeats the scopes in the code
    exchange (Mastodon); ``refresh_tokens`` reads the answer's ``refresh_token`` and ``scope`` (Facebook's
    user tokens have neither); ``revoked_member`` names the answer member a revocation must set to true
    ("" when the status is enough); ``refusal`` maps an error answer to a ConnectorError.
    """

    platform: str
    scopes: str
    authorize_path: str
    grant_path: str
    revoke_path: str = ""
    grant_method: Literal["GET", "POST"] = "POST"
    client_auth: Literal["client_secret_basic", "client_secret_post"] = "client_secret_post"
    pkce: bool = True
    scope_on_token: bool = False
    refresh_tokens: bool = True
    revoked_member: str = ""
    refusal: _Refusal = _token_check

    def authorize_url(
        self, *, web_base: str, client_id: str, redirect_uri: str, state: str, challenge: str = ""
    ) -> str:
        """Return the authorization page address for the user to approve Chancery (code flow).

        Needs the web address and, when the server uses PKCE, the S256 ``challenge`` of the sign-in's verifier.
        """
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": self.scopes,
            "state": state,
        }
        if self.pkce:
            params.update(code_challenge=challenge, code_challenge_method="S256")
        return _with_query(f"{web_base.rstrip('/')}{self.authorize_path}", params)

    def call(
        self, method: str, url: str, *, fields: dict[str, str], timeout: float, auth: httpx.Auth | None = None
    ) -> httpx.Response:
        """Send one request (``fields`` as a form for POST, else as the query); raise the mapped refusal."""
        where = "data" if method == "POST" else "params"
        with _client(timeout) as client:
            response = send(client, method, url, platform=self.platform, auth=auth, **{where: fields})
        self.refusal(response, platform=self.platform)
        return response

    def _client_call(
        self, method: str, url: str, *, client: OAuthClient, fields: dict[str, str], timeout: float
    ) -> httpx.Response:
        """Call an endpoint of the server as ``client``, authenticated in the server's ``client_auth`` style."""
        auth: httpx.Auth | None = None
        credentials = {"client_id": client.client_id}
        if self.client_auth == "client_secret_post":
            credentials["client_secret"] = client.client_secret
        elif client.client_secret:
            auth = httpx.BasicAuth(client.client_id, client.client_secret)
        return self.call(method, url, fields={**fields, **credentials}, auth=auth, timeout=timeout)

    def grant(
        self, *, base_url: str, client: OAuthClient, fields: dict[str, str], now: datetime, timeout: float
    ) -> TokenSet:
        """Ask the token endpoint for tokens with a grant's ``fields``; the tokens received at ``now``."""
        url = f"{base_url.rstrip('/')}{self.grant_path}"
        response = self._client_call(self.grant_method, url, client=client, fields=fields, timeout=timeout)
        tokens = token_set(response.content, now=now)
        return tokens if self.refresh_tokens else replace(tokens, refresh_token="", scope="")

    def code_grant(
        self,
        *,
        base_url: str,
        client: OAuthClient,
        redirect_uri: str,
        code: str,
        verifier: str,
        now: datetime,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> TokenSet:
        """Exchange an authorization code (with the PKCE verifier where used) for tokens."""
        fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if self.pkce:
            fields["code_verifier"] = verifier
        if self.scope_on_token:
            fields["scope"] = self.scopes
        return self.grant(base_url=base_url, client=client, fields=fields, now=now, timeout=timeout)

    def refresh(
        self, *, base_url: str, client: OAuthClient, refresh_token: str, now: datetime, timeout: float = DEFAULT_TIMEOUT
    ) -> TokenSet:
        """Renew the access token with a refresh token (RFC 6749 section 6; X rotates the refresh token too)."""
        fields = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.grant(base_url=base_url, client=client, fields=fields, now=now, timeout=timeout)

    def revoke(
        self, *, base_url: str, client: OAuthClient, token: str, hint: str = "", timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Revoke an access or refresh token (RFC 7009; ``hint`` is its ``token_type_hint``).

        MalformedResponse when the server's answer does not confirm it (``revoked_member``).
        """
        fields = {"token": token, "token_type_hint": hint} if hint else {"token": token}
        url = f"{base_url.rstrip('/')}{self.revoke_path}"
        response = self._client_call("POST", url, client=client, fields=fields, timeout=timeout)
        if self.revoked_member:
            _confirmed(response, member=self.revoked_member, msg=f"{self.platform}: the token was not revoked")


MASTODON = OAuthServer(
    platform="mastodon",
    scopes=MASTODON_SCOPES,
    authorize_path="/oauth/authorize",
    grant_path="/oauth/token",
    revoke_path="/oauth/revoke",
    scope_on_token=True,
)
X = OAuthServer(
    platform="x",
    scopes=X_SCOPES,
    authorize_path="/i/oauth2/authorize",
    grant_path="/2/oauth2/token",
    revoke_path="/2/oauth2/revoke",
    client_auth="client_secret_basic",
    revoked_member="revoked",
)
FACEBOOK = OAuthServer(
    platform="facebook",
    scopes=FACEBOOK_SCOPES,
    authorize_path=f"/{GRAPH_VERSION}/dialog/oauth",
    grant_path="/oauth/access_token",
    grant_method="GET",
    pkce=False,
    refresh_tokens=False,
    refusal=_graph_check,
)


# --- Mastodon ---------------------------------------------------------------------------------------


def mastodon_app_register(
    *, base_url: str, redirect_uri: str, client_name: str, website: str = "", timeout: float = DEFAULT_TIMEOUT
) -> OAuthClient:
    """Register Chancery as an application on the instance (``POST /api/v1/apps``); return its client."""
    form = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": MASTODON_SCOPES}
    if website:
        form["website"] = website
    with _client(timeout) as client:
        response = send(client, "POST", f"{base_url.rstrip('/')}/api/v1/apps", platform="mastodon", data=form)
    raise_for_status(response, platform="mastodon")
    data = json_object(response.content)
    return OAuthClient(
        client_id=_token_string(data.get("client_id"), what="client_id"),
        client_secret=_token_string(data.get("client_secret"), what="client_secret"),
    )


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


# --- Facebook ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacebookPage:
    """A Page the user manages, with the Page's own access token."""

    page_id: str
    name: str
    access_token: str


def _graph_get(base_url: str, path: str, params: dict[str, str], timeout: float) -> dict[str, Any]:
    response = FACEBOOK.call("GET", f"{base_url.rstrip('/')}{path}", fields=params, timeout=timeout)
    return json_object(response.content)


def facebook_user_token(
    *, base_url: str, client: OAuthClient, redirect_uri: str, code: str, now: datetime, timeout: float = DEFAULT_TIMEOUT
) -> TokenSet:
    """Exchange the dialog's code for a user token, then for a long-lived user token (no refresh token)."""
    short = FACEBOOK.grant(
        base_url=base_url, client=client, fields={"redirect_uri": redirect_uri, "code": code}, now=now, timeout=timeout
    )
    fields = {"grant_type": "fb_exchange_token", "fb_exchange_token": short.access_token}
    return FACEBOOK.grant(base_url=base_url, client=client, fields=fields, now=now, timeout=timeout)


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
    *, base_url: str, user_id: str, client: OAuthClient, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Remove the app from the user (``DELETE /{user-id}/permissions`` with the app access token)."""
    if not (user_id.isascii() and user_id.isdigit()):
        msg = "facebook: invalid user id"
        raise MalformedResponse(msg)
    url = f"{base_url.rstrip('/')}/{user_id}/permissions"
    app_token = f"{client.client_id}|{client.client_secret}"
    response = FACEBOOK.call("DELETE", url, fields={"access_token": app_token}, timeout=timeout)
    _confirmed(response, member="success", msg="facebook: the permissions were not removed")


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


def _bluesky_server_call(base_url: str, method: str, timeout: float, **kwargs: Any) -> httpx.Response:
    """POST to ``com.atproto.server.<method>``; return the response once it passed :func:`_bluesky_check`."""
    with _client(timeout) as client:
        response = send(
            client, "POST", f"{base_url.rstrip('/')}/xrpc/com.atproto.server.{method}", platform="bluesky", **kwargs
        )
    _bluesky_check(response)
    return response


def bluesky_session_create(
    *, base_url: str, identifier: str, app_password: str, timeout: float = DEFAULT_TIMEOUT
) -> BlueskyTokens:
    """Open a session with a handle (or DID) and an app password (``createSession``)."""
    body = {"identifier": identifier, "password": app_password}
    return _bluesky_tokens(_bluesky_server_call(base_url, "createSession", timeout, json=body).content)


def bluesky_session_refresh(*, base_url: str, refresh_jwt: str, timeout: float = DEFAULT_TIMEOUT) -> BlueskyTokens:
    """Renew a session with its refresh JWT (``refreshSession``); CredentialsRejected when it has expired."""
    headers = {"Authorization": f"Bearer {refresh_jwt}"}
    return _bluesky_tokens(_bluesky_server_call(base_url, "refreshSession", timeout, headers=headers).content)


def bluesky_session_delete(*, base_url: str, refresh_jwt: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """End the session of a refresh JWT (``com.atproto.server.deleteSession``)."""
    _bluesky_server_call(base_url, "deleteSession", timeout, headers={"Authorization": f"Bearer {refresh_jwt}"})
