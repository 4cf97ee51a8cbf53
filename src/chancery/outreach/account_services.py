"""Writes on platform accounts: signing in (OAuth 2 with PKCE, Bluesky app passwords), refresh, disconnect.

A sign-in is started by a press officer (``outreach.manage``): Chancery registers itself on a Mastodon
instance when needed, stores an :class:`~chancery.outreach.models.AuthorisationRequest` (the SHA-256 of
the ``state``, and the PKCE verifier and app secrets sealed under the vault's keyring) and sends the user
to the platform. When the platform redirects back, the ``state`` must match a request of the same user
that has not expired; it is consumed at once, the code is exchanged for tokens and the account is
created (or re-authorised) with its credentials sealed. Revoked or expired credentials mark the account
"needs a new sign-in" and alert the press office; nothing is published with them.

Every service runs in one transaction after its platform calls, writes an audit event (platform and ids,
never tokens) and publishes live events on commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.outreach.connectors import oauth
from chancery.outreach.connectors.errors import ConnectorError, CredentialsRejected
from chancery.outreach.connectors.facebook import DEFAULT_GRAPH, FacebookConnector
from chancery.outreach.connectors.mastodon import MastodonConnector
from chancery.outreach.connectors.x import DEFAULT_API, DEFAULT_WEB, XConnector
from chancery.outreach.credentials import credentials_open, credentials_seal
from chancery.outreach.enums import MANAGER_ROLES, AccountStatus, Language
from chancery.outreach.key_holders import SIGN_IN_DOMAIN
from chancery.outreach.models import Account, AuthorisationRequest
from chancery.outreach.platforms import Platform
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.services import events_publish
from chancery.vault.text_sealing import key_new, key_open, text_open, text_seal

SIGN_IN_VALIDITY = timedelta(minutes=15)
REFRESH_MARGIN = timedelta(minutes=5)
OAUTH_PLATFORMS = frozenset({Platform.MASTODON, Platform.X, Platform.FACEBOOK})
DEFAULT_FACEBOOK_WEB = "https://www.facebook.com"
DEFAULT_BLUESKY = "https://bsky.social"
SECRETS_ROLE = "sign-in"
NEEDS_SIGN_IN_EVENT = "outreach.account_needs_sign_in"


def _state_sha256(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _timeout() -> float:
    return float(settings.OUTREACH_CONNECTOR_TIMEOUT_SECONDS)


def _x_client() -> oauth.OAuthClient:
    return oauth.OAuthClient(client_id=settings.OUTREACH_X_CLIENT_ID, client_secret=settings.OUTREACH_X_CLIENT_SECRET)


def _facebook_client() -> oauth.OAuthClient:
    return oauth.OAuthClient(
        client_id=settings.OUTREACH_FACEBOOK_APP_ID, client_secret=settings.OUTREACH_FACEBOOK_APP_SECRET
    )


def _unit(actor: Actor) -> int:
    if actor.organisation_id is None or actor.user_id is None:
        raise PermissionDenied
    return actor.organisation_id


def _account_of_unit(actor: Actor, account_id: int, *, lock: bool = False) -> Account:
    rows = Account.objects.select_for_update() if lock else Account.objects.all()
    account = rows.filter(pk=account_id, organisation_id=_unit(actor)).first()
    if account is None:
        raise NotFound
    return account


def _press_office(organisation_id: int) -> list[int]:
    users = get_user_model().objects.filter(
        organisation_id=organisation_id, role__in=sorted(MANAGER_ROLES), is_active=True
    )
    return [int(pk) for pk in users.values_list("pk", flat=True)]


def _https(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c.isspace() for c in url)


# --- Starting a sign-in -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignInStart:
    """What to sign in to: the platform, the language posted in, the server (defaults per platform).

    ``account_id`` re-authorises an existing account (its platform, server and language are kept);
    ``page_id`` picks one Facebook Page when the user manages several.
    """

    platform: str
    language: str = ""
    base_url: str = ""
    web_base_url: str = ""
    page_id: str = ""
    account_id: int | None = None


def _start_defaults(actor: Actor, start: SignInStart) -> SignInStart:
    """Fill in the server addresses and validate; InvalidInput naming the fields otherwise."""
    if start.account_id is not None:
        account = _account_of_unit(actor, start.account_id)
        credentials = credentials_open(account) if account.wrapped_key is not None else {}
        start = SignInStart(
            platform=account.platform,
            language=account.language,
            base_url=account.base_url,
            web_base_url=account.web_base_url,
            page_id=start.page_id or credentials.get("page_id", ""),
            account_id=account.pk,
        )
    errors: dict[str, list[str]] = {}
    if start.platform not in OAUTH_PLATFORMS:
        errors["platform"] = [_("Choose Mastodon, X or Facebook (Bluesky signs in with an app password).")]
    if start.language not in Language.values:
        errors["language"] = [_("Choose Vietnamese or English.")]
    base_url, web = start.base_url.strip().rstrip("/"), start.web_base_url.strip().rstrip("/")
    if start.platform == Platform.X:
        base_url, web = base_url or DEFAULT_API, web or DEFAULT_WEB
        if not settings.OUTREACH_X_CLIENT_ID:
            errors["platform"] = [_("X is not configured: set CHANCERY_OUTREACH_X_CLIENT_ID.")]
    elif start.platform == Platform.FACEBOOK:
        base_url, web = base_url or DEFAULT_GRAPH, web or DEFAULT_FACEBOOK_WEB
        if not settings.OUTREACH_FACEBOOK_APP_ID or not settings.OUTREACH_FACEBOOK_APP_SECRET:
            errors["platform"] = [_("Facebook is not configured: set CHANCERY_OUTREACH_FACEBOOK_APP_ID and _SECRET.")]
    if not _https(base_url) or (web and not _https(web)):
        errors["base_url"] = [_("Enter the server's address (https://...).")]
    if start.page_id and not (start.page_id.isascii() and start.page_id.isdigit() and len(start.page_id) <= 40):
        errors["page_id"] = [_("A Facebook Page id is a number.")]
    if errors:
        raise InvalidInput(_("The sign-in cannot start."), errors=errors)
    return SignInStart(
        platform=start.platform,
        language=start.language,
        base_url=base_url,
        web_base_url=web,
        page_id=start.page_id,
        account_id=start.account_id,
    )


def sign_in_server_key(*, platform: str, base_url: str) -> str:
    """Name one authorization server (a platform at one address) in a path segment of Chancery's callback.

    Each server gets its own redirect address, ``<callback_base><key>/``, and the callback checks that the
    answer arrived at the address of the server the sign-in started with: the OAuth mix-up defence of
    RFC 9700 §4.4.2 (a hostile Mastodon instance cannot pass off a code meant for another server).
    """
    return hashlib.sha256(f"{platform}\n{base_url}".encode()).hexdigest()[:20]


def account_sign_in_start(*, actor: Actor, start: SignInStart, callback_base: str) -> str:
    """Start signing in to Mastodon, X or Facebook; return the platform's authorization page address.

    Needs ``outreach.manage`` and the absolute address of Chancery's callback (``…/accounts/callback/``);
    the platform is told to redirect to this server's own address below it (see :func:`sign_in_server_key`).
    For Mastodon, registers Chancery on the instance (``POST /api/v1/apps``) first; an unreachable instance
    is an InvalidInput. Stores the request for 15 minutes (the PKCE
    verifier and app secret sealed) and emits ``outreach.sign_in_started``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    start = _start_defaults(actor, start)
    redirect_uri = (
        f"{callback_base.rstrip('/')}/{sign_in_server_key(platform=start.platform, base_url=start.base_url)}/"
    )
    pkce, state = oauth.pkce_new(), oauth.state_new()
    secrets: dict[str, str] = {"verifier": pkce.verifier}
    if start.platform == Platform.MASTODON:
        try:
            app = oauth.mastodon_app_register(
                base_url=start.base_url,
                redirect_uri=redirect_uri,
                client_name="Chancery",
                website=str(settings.SITE_URL),
                timeout=_timeout(),
            )
        except ConnectorError as error:
            raise InvalidInput(error.message, errors={"base_url": [error.message]}) from error
        secrets.update(client_id=app.client_id, client_secret=app.client_secret)
        url = oauth.MASTODON.authorize_url(
            web_base=start.base_url,
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            state=state,
            challenge=pkce.challenge,
        )
    elif start.platform == Platform.X:
        url = oauth.X.authorize_url(
            web_base=start.web_base_url,
            client_id=settings.OUTREACH_X_CLIENT_ID,
            redirect_uri=redirect_uri,
            state=state,
            challenge=pkce.challenge,
        )
    else:
        url = oauth.FACEBOOK.authorize_url(
            web_base=start.web_base_url,
            client_id=settings.OUTREACH_FACEBOOK_APP_ID,
            redirect_uri=redirect_uri,
            state=state,
        )
    key = key_new(domain=SIGN_IN_DOMAIN)
    now = timezone.now()
    with transaction.atomic():
        AuthorisationRequest.objects.filter(expires_at__lt=now).delete()
        row = AuthorisationRequest.objects.create(
            state_sha256=_state_sha256(state),
            user_id=actor.user_id or 0,
            organisation_id=_unit(actor),
            platform=start.platform,
            base_url=start.base_url,
            web_base_url=start.web_base_url,
            language=start.language,
            redirect_uri=redirect_uri,
            page_id=start.page_id,
            account_id=start.account_id,
            key_id=key.key_id,
            kek_id=key.kek_id,
            wrapped_key=key.wrapped,
            secrets_sealed=text_seal(key, json.dumps(secrets), role=SECRETS_ROLE),
            created_at=now,
            expires_at=now + SIGN_IN_VALIDITY,
        )
        audit_record(
            actor=actor,
            action="outreach.sign_in_started",
            object_type="outreach.sign_in",
            object_id=row.pk,
            detail={"platform": start.platform, "account_id": start.account_id},
        )
    return url


# --- Completing a sign-in ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Granted:
    handle: str
    credentials: dict[str, str]
    expires_at: datetime | None = None
    max_characters: int | None = None


def _consume(actor: Actor, state: str) -> tuple[AuthorisationRequest, dict[str, str]]:
    """Take the user's pending request for ``state`` (deleting it) or raise InvalidInput."""
    refused = InvalidInput(
        _("This sign-in is unknown, has expired or was already used; start it again."),
        errors={"state": [_("Unknown or expired sign-in.")]},
    )
    if not state or len(state) > 200:
        raise refused
    with transaction.atomic():
        row = (
            AuthorisationRequest.objects.select_for_update()
            .filter(state_sha256=_state_sha256(state), user_id=actor.user_id or 0)
            .first()
        )
        if row is None:
            raise refused
        row.delete()
    if row.expires_at < timezone.now() or row.wrapped_key is None:
        raise refused
    key = key_open(domain=SIGN_IN_DOMAIN, key_id=row.key_id, kek_id=row.kek_id, wrapped=row.wrapped_key)
    secrets = json.loads(text_open(key, row.secrets_sealed, role=SECRETS_ROLE))
    return row, {str(name): str(value) for name, value in secrets.items()}


def _grant_mastodon(row: AuthorisationRequest, secrets: dict[str, str], code: str) -> _Granted:
    app = oauth.OAuthClient(client_id=secrets["client_id"], client_secret=secrets["client_secret"])
    tokens = oauth.MASTODON.code_grant(
        base_url=row.base_url,
        client=app,
        redirect_uri=row.redirect_uri,
        code=code,
        verifier=secrets["verifier"],
        now=timezone.now(),
        timeout=_timeout(),
    )
    username = oauth.mastodon_username(base_url=row.base_url, access_token=tokens.access_token, timeout=_timeout())
    limit = MastodonConnector(
        base_url=row.base_url, access_token=tokens.access_token, timeout=_timeout()
    ).max_characters()
    credentials = {"access_token": tokens.access_token, "client_id": app.client_id, "client_secret": app.client_secret}
    return _Granted(handle=f"@{username}", credentials=credentials, max_characters=limit)


def _grant_x(row: AuthorisationRequest, secrets: dict[str, str], code: str) -> _Granted:
    tokens = oauth.X.code_grant(
        base_url=row.base_url,
        client=_x_client(),
        redirect_uri=row.redirect_uri,
        code=code,
        verifier=secrets["verifier"],
        now=timezone.now(),
        timeout=_timeout(),
    )
    user = XConnector(base_url=row.base_url, access_token=tokens.access_token, timeout=_timeout()).me()
    credentials = {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token, "user_id": user.user_id}
    return _Granted(handle=f"@{user.username}", credentials=credentials, expires_at=tokens.expires_at)


def _grant_facebook(row: AuthorisationRequest, code: str) -> _Granted:
    user_token = oauth.facebook_user_token(
        base_url=row.base_url,
        client=_facebook_client(),
        redirect_uri=row.redirect_uri,
        code=code,
        now=timezone.now(),
        timeout=_timeout(),
    )
    pages = oauth.facebook_pages(base_url=row.base_url, user_token=user_token.access_token, timeout=_timeout())
    chosen = [page for page in pages if page.page_id == row.page_id] if row.page_id else pages
    if len(chosen) != 1:
        names = ", ".join(f"{page.name} ({page.page_id})" for page in pages) or _("none")
        message = _("Choose one Facebook Page by its id and sign in again. Pages you manage: %(pages)s") % {
            "pages": names
        }
        raise InvalidInput(message, errors={"page_id": [message]})
    page = chosen[0]
    user_id = oauth.facebook_user_id(base_url=row.base_url, user_token=user_token.access_token, timeout=_timeout())
    # The user's id is kept to revoke the app's permissions on disconnecting (the user token is not kept).
    credentials = {"page_id": page.page_id, "page_access_token": page.access_token, "user_id": user_id}
    return _Granted(handle=page.name, credentials=credentials)


def account_sign_in_complete(*, actor: Actor, server: str, state: str, code: str, error: str = "") -> Account:
    """Finish a sign-in the platform redirected back from; return the connected (or re-authorised) account.

    Needs ``outreach.manage``, the server key of the callback address the answer arrived at (``server``)
    and the ``state`` of a request the same user started less than 15 minutes ago (used once, even when
    refused). An answer that arrived at another server's address is refused (mix-up defence). A refusal at
    the platform, a wrong code or an unreachable platform is an InvalidInput and nothing is stored. Emits
    ``outreach.account_connected`` or ``outreach.account_reauthorised``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    row, secrets = _consume(actor, state)
    expected = sign_in_server_key(platform=row.platform, base_url=row.base_url)
    if not hmac.compare_digest(server.encode(), expected.encode()):
        message = _("This answer came back for another server than the sign-in started with; start it again.")
        raise InvalidInput(message, errors={"state": [message]})
    if error or not code:
        message = _("The platform did not grant access (%(error)s).") % {"error": (error or "no code")[:60]}
        raise InvalidInput(message, errors={"code": [message]})
    try:
        if row.platform == Platform.MASTODON:
            granted = _grant_mastodon(row, secrets, code)
        elif row.platform == Platform.X:
            granted = _grant_x(row, secrets, code)
        else:
            granted = _grant_facebook(row, code)
    except ConnectorError as failure:
        raise InvalidInput(failure.message, errors={"code": [failure.message]}) from failure
    return _account_store(
        actor,
        platform=row.platform,
        base_url=row.base_url,
        web_base_url=row.web_base_url,
        language=row.language,
        account_id=row.account_id,
        granted=granted,
    )


def _account_store(
    actor: Actor,
    *,
    platform: str,
    base_url: str,
    web_base_url: str,
    language: str,
    account_id: int | None,
    granted: _Granted,
) -> Account:
    """Create the account, or re-authorise ``account_id`` (or the unit's active account with that handle)."""
    unit = _unit(actor)
    with transaction.atomic():
        rows = Account.objects.select_for_update().filter(organisation_id=unit, platform=platform)
        if account_id is not None:
            account = rows.filter(pk=account_id).first()
            if account is None:
                raise NotFound
        else:
            account = rows.filter(base_url=base_url, handle=granted.handle, is_active=True).first()
        action = "outreach.account_reauthorised" if account is not None else "outreach.account_connected"
        if account is None:
            account = Account(organisation_id=unit, platform=platform, language=language)
        account.base_url, account.web_base_url, account.handle = base_url, web_base_url, granted.handle[:200]
        account.is_active, account.status, account.status_detail = True, AccountStatus.CONNECTED, ""
        account.token_expires_at = granted.expires_at
        if granted.max_characters is not None:
            account.max_characters = granted.max_characters
        credentials_seal(account, granted.credentials)
        account.save()
        audit_record(
            actor=actor,
            action=action,
            object_type="outreach.account",
            object_id=account.pk,
            detail={"platform": platform},
        )
    return account


# --- Bluesky ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlueskyIn:
    """A Bluesky account to connect: the PDS, a handle (or DID) and an app password."""

    identifier: str
    app_password: str
    language: str = ""
    base_url: str = DEFAULT_BLUESKY
    web_base_url: str = ""
    account_id: int | None = None


def account_bluesky_connect(*, actor: Actor, account: BlueskyIn) -> Account:
    """Connect (or re-authorise) a Bluesky account by opening a session with its app password.

    Needs ``outreach.manage``. A refused handle or password, or an unreachable PDS, is an InvalidInput
    and nothing is stored. Emits ``outreach.account_connected`` or ``outreach.account_reauthorised``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    base_url, web, language = account.base_url.strip().rstrip("/"), account.web_base_url.strip(), account.language
    if account.account_id is not None:
        existing = _account_of_unit(actor, account.account_id)
        if existing.platform != Platform.BLUESKY:
            raise InvalidInput(_("This is not a Bluesky account."), errors={"platform": [_("Not Bluesky.")]})
        base_url, web, language = existing.base_url, existing.web_base_url, existing.language
    errors: dict[str, list[str]] = {}
    if not _https(base_url):
        errors["base_url"] = [_("Enter the server's address (https://...).")]
    if language not in Language.values:
        errors["language"] = [_("Choose Vietnamese or English.")]
    if not account.identifier.strip() or len(account.identifier) > 253:
        errors["identifier"] = [_("Enter the account's handle, e.g. mofa.bsky.social.")]
    if not account.app_password.strip() or len(account.app_password) > 100:
        errors["app_password"] = [_("Enter an app password created in Bluesky's settings.")]
    if errors:
        raise InvalidInput(_("The account cannot be connected."), errors=errors)
    try:
        tokens = oauth.bluesky_session_create(
            base_url=base_url,
            identifier=account.identifier.strip().removeprefix("@"),
            app_password=account.app_password.strip(),
            timeout=_timeout(),
        )
    except ConnectorError as error:
        raise InvalidInput(error.message, errors={"app_password": [error.message]}) from error
    credentials = {
        "identifier": tokens.did,
        "app_password": account.app_password.strip(),
        "refresh_jwt": tokens.refresh_jwt,
    }
    return _account_store(
        actor,
        platform=Platform.BLUESKY,
        base_url=base_url,
        web_base_url=web,
        language=language,
        account_id=account.account_id,
        granted=_Granted(handle=f"@{tokens.handle}", credentials=credentials),
    )


# --- Disconnecting, checking, refreshing ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Revocation:
    """What revoking at the platform gave: done or not, the error code, and a note for the press office."""

    revoked: bool
    error: str = ""
    note: str = ""


def _not_revoked(account: Account, reason: str, *, error: str) -> _Revocation:
    note = _(
        "Disconnected in Chancery, but %(platform)s did not revoke the access (%(reason)s): remove Chancery's "
        "access in the platform's settings."
    ) % {"platform": account.get_platform_display(), "reason": reason}
    return _Revocation(revoked=False, error=error, note=note)


def _revoke_call(account: Account, credentials: dict[str, str]) -> str:
    """Revoke the account's tokens at its platform; return "" or why there was nothing to revoke with."""
    timeout = _timeout()
    if account.platform == Platform.MASTODON:
        if not credentials.get("client_id") or not credentials.get("client_secret"):
            return _("the account was not connected through Chancery's sign-in, so no app credentials are stored")
        app = oauth.OAuthClient(client_id=credentials["client_id"], client_secret=credentials["client_secret"])
        oauth.MASTODON.revoke(
            base_url=account.base_url, client=app, token=credentials.get("access_token", ""), timeout=timeout
        )
    elif account.platform == Platform.X:
        for hint in ("refresh_token", "access_token"):
            if credentials.get(hint):
                oauth.X.revoke(
                    base_url=account.base_url,
                    client=_x_client(),
                    token=credentials[hint],
                    hint=hint,
                    timeout=timeout,
                )
    elif account.platform == Platform.FACEBOOK:
        if not credentials.get("user_id"):
            return _("the account was connected before Chancery kept the user's id")
        oauth.facebook_permissions_delete(
            base_url=account.base_url, user_id=credentials["user_id"], client=_facebook_client(), timeout=timeout
        )
    elif credentials.get("refresh_jwt"):
        oauth.bluesky_session_delete(base_url=account.base_url, refresh_jwt=credentials["refresh_jwt"], timeout=timeout)
    return ""


def _revoke(account: Account) -> _Revocation:
    """Revoke at the platform where it allows it (outside any transaction); never raises a ConnectorError."""
    if not account.is_active or account.wrapped_key is None:
        return _Revocation(revoked=False, error="not_connected")
    try:
        missing = _revoke_call(account, credentials_open(account))
    except ConnectorError as error:
        return _not_revoked(account, error.message, error=error.code)
    if missing:
        return _not_revoked(account, missing, error="nothing_to_revoke")
    if account.platform == Platform.BLUESKY:
        note = _("The session was ended at Bluesky; revoke the app password in Bluesky's settings too.")
        return _Revocation(revoked=True, note=note)
    return _Revocation(revoked=True)


def account_disconnect(*, actor: Actor, account_id: int) -> Account:
    """Disconnect an account of the actor's unit: its token revoked at the platform, its credentials destroyed.

    Needs ``outreach.manage``. First revokes the account's tokens where the platform allows it (Mastodon
    ``/oauth/revoke``, X ``/2/oauth2/revoke``, Facebook ``DELETE /{user-id}/permissions``, Bluesky
    ``deleteSession``); a platform error or missing credentials still disconnect locally, and
    ``status_detail`` says so. Then shreds the data key (the sealed credentials become unreadable); posts
    already published keep their links. Emits ``outreach.account_disconnected`` with whether the platform
    revoked the access (and the error code if not).
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    revocation = _revoke(_account_of_unit(actor, account_id))
    with transaction.atomic():
        account = _account_of_unit(actor, account_id, lock=True)
        account.is_active, account.status = False, AccountStatus.DISCONNECTED
        account.status_detail = revocation.note[:300]
        account.wrapped_key, account.credentials_sealed, account.token_expires_at = None, b"", None
        account.save()
        detail: dict[str, object] = {"platform": account.platform, "revoked": revocation.revoked}
        if revocation.error:
            detail["error"] = revocation.error
        audit_record(
            actor=actor,
            action="outreach.account_disconnected",
            object_type="outreach.account",
            object_id=account.pk,
            detail=detail,
        )
    return account


def _mark_needs_sign_in(actor: Actor, account: Account, message: str) -> None:
    """Within the caller's transaction: flag the account, audit and alert the press office once."""
    if account.status == AccountStatus.REAUTHORISE:
        return
    account.status, account.status_detail = AccountStatus.REAUTHORISE, message[:300]
    account.save(update_fields=["status", "status_detail"])
    audit_record(
        actor=actor,
        action="outreach.account_needs_sign_in",
        outcome=Outcome.FAILURE,
        object_type="outreach.account",
        object_id=account.pk,
        detail={"platform": account.platform},
    )
    events_publish(
        user_ids=_press_office(account.organisation_id),
        kind=NEEDS_SIGN_IN_EVENT,
        payload={"account_id": account.pk, "platform": account.platform, "handle": account.handle},
    )


def account_needs_sign_in(*, actor: Actor, account_id: int, message: str) -> None:
    """Record that the platform refused an account's credentials (revoked or expired).

    Needs the system actor (the publishing worker). Marks the account "needs a new sign-in" with the
    platform's ``message`` and, the first time, emits ``outreach.account_needs_sign_in`` (audit, and a
    live event to the unit's press officers and administrators).
    """
    if not actor.is_system:
        raise PermissionDenied
    with transaction.atomic():
        account = Account.objects.select_for_update().filter(pk=account_id).first()
        if account is not None:
            _mark_needs_sign_in(actor, account, message)


def _refresh_x(actor: Actor, account: Account) -> dict[str, str]:
    """Renew an X access token that expires soon, under a row lock so that only one worker rotates it."""
    with transaction.atomic():
        row = Account.objects.select_for_update().get(pk=account.pk)
        credentials = credentials_open(row)
        if row.token_expires_at is None or row.token_expires_at - timezone.now() > REFRESH_MARGIN:
            return credentials
        tokens = oauth.X.refresh(
            base_url=row.base_url,
            client=_x_client(),
            refresh_token=credentials.get("refresh_token", ""),
            now=timezone.now(),
            timeout=_timeout(),
        )
        credentials["access_token"] = tokens.access_token
        credentials["refresh_token"] = tokens.refresh_token or credentials.get("refresh_token", "")
        credentials_seal(row, credentials)
        row.token_expires_at = tokens.expires_at
        row.save(update_fields=["key_id", "kek_id", "wrapped_key", "credentials_sealed", "token_expires_at"])
        audit_record(
            actor=actor,
            action="outreach.account_token_refreshed",
            object_type="outreach.account",
            object_id=row.pk,
            detail={"platform": row.platform},
        )
    return credentials


def account_credentials_current(*, actor: Actor, account: Account) -> dict[str, str]:
    """Return an account's credentials, renewing an X access token that expires within five minutes.

    Needs the system actor or ``outreach.manage`` on the account's unit. Raises CredentialsRejected
    (nothing is sent) when the account is disconnected or needs a new sign-in, or when the refresh
    token was refused. Emits ``outreach.account_token_refreshed`` after a renewal.
    """
    if not actor.is_system:
        access.require(actor, "outreach.manage", account.organisation_id)
    if not account.is_active or account.status != AccountStatus.CONNECTED or account.wrapped_key is None:
        msg = f"{account.platform}: the account is disconnected or needs a new sign-in; nothing was sent"
        raise CredentialsRejected(msg)
    if account.platform == Platform.X and account.token_expires_at is not None:
        return _refresh_x(actor, account)
    return credentials_open(account)


def account_check(*, actor: Actor, account_id: int) -> Account:
    """Check that an account's credentials still work, renewing what can be renewed.

    Needs ``outreach.manage``. X: renews the access token if due and reads ``/2/users/me``; Mastodon:
    reads the instance limit and the account; Bluesky: renews the session with ``refreshSession`` (a new
    session from the app password if the refresh token expired); Facebook: reads the page's posts. A
    refusal marks the account "needs a new sign-in" and alerts the press office
    (``outreach.account_needs_sign_in``); success emits ``outreach.account_checked``.
    """
    access.require(actor, "outreach.manage", actor.organisation_id)
    account = _account_of_unit(actor, account_id)
    if not account.is_active or account.wrapped_key is None:
        raise InvalidInput(_("A disconnected account cannot be checked; connect it again."), errors={})
    problem = ""
    try:
        _probe(actor, account)
    except CredentialsRejected as error:
        problem = error.message
    except ConnectorError as error:
        raise InvalidInput(error.message, errors={}) from error
    with transaction.atomic():
        row = Account.objects.select_for_update().get(pk=account.pk)
        if problem:
            _mark_needs_sign_in(actor, row, problem)
        else:
            row.status, row.status_detail = AccountStatus.CONNECTED, ""
            row.save(update_fields=["status", "status_detail"])
            audit_record(
                actor=actor,
                action="outreach.account_checked",
                object_type="outreach.account",
                object_id=row.pk,
                detail={"platform": row.platform},
            )
    return row


def _probe(actor: Actor, account: Account) -> None:
    """Make one authenticated read with the account's credentials (raises ConnectorError)."""
    credentials = credentials_open(account)
    timeout = _timeout()
    if account.platform == Platform.X:
        if account.token_expires_at is not None and account.status == AccountStatus.CONNECTED:
            credentials = _refresh_x(actor, account)
        XConnector(base_url=account.base_url, access_token=credentials.get("access_token", ""), timeout=timeout).me()
    elif account.platform == Platform.MASTODON:
        oauth.mastodon_username(
            base_url=account.base_url, access_token=credentials.get("access_token", ""), timeout=timeout
        )
    elif account.platform == Platform.FACEBOOK:
        FacebookConnector(
            base_url=account.base_url,
            page_id=credentials.get("page_id", ""),
            page_access_token=credentials.get("page_access_token", ""),
            timeout=timeout,
        ).recent()
    else:
        _probe_bluesky(account, credentials)


def _probe_bluesky(account: Account, credentials: dict[str, str]) -> None:
    try:
        tokens = oauth.bluesky_session_refresh(
            base_url=account.base_url, refresh_jwt=credentials.get("refresh_jwt", ""), timeout=_timeout()
        )
    except CredentialsRejected:
        tokens = oauth.bluesky_session_create(
            base_url=account.base_url,
            identifier=credentials.get("identifier", ""),
            app_password=credentials.get("app_password", ""),
            timeout=_timeout(),
        )
    credentials["refresh_jwt"] = tokens.refresh_jwt
    with transaction.atomic():
        row = Account.objects.select_for_update().get(pk=account.pk)
        credentials_seal(row, credentials)
        row.save(update_fields=["key_id", "kek_id", "wrapped_key", "credentials_sealed"])
