"""Personal API tokens: create, list, revoke, and authenticate API requests with them.

A token reads ``chy_<prefix>_<secret>``: ``prefix`` (8 hex characters) lets its owner recognise it;
``secret`` is 32 random bytes. Only the SHA-256 digest of the whole string is stored, and it is compared
in constant time. Tokens are scoped (``"<domain>:<read|write|admin>"``), expire after at most 365 days,
can be revoked, and record when and from where they were last used. Creation, revocation and every
authenticated request are audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, CharField, QuerySet, TextChoices, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.identity import token_permissions  # noqa: F401 - registers the token rules
from chancery.identity.models import ApiToken, User
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied

TOKEN_TAG = "chy"  # noqa: S105 - the public tag every token starts with, not a secret
TOKEN_OBJECT = "identity.api_token"  # noqa: S105 - an audit object type
MAX_LIFETIME_DAYS = 365
DEFAULT_LIFETIME_DAYS = 90
SCOPE_KINDS = ("read", "write", "admin")
PREFIX_HEX_BYTES = 4
SECRET_BYTES = 32


class TokenStatus(TextChoices):
    """Whether a token still authenticates."""

    ACTIVE = "active", gettext_lazy("Active")
    EXPIRED = "expired", gettext_lazy("Expired")
    REVOKED = "revoked", gettext_lazy("Revoked")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly created token and its secret (shown once, never stored)."""

    token: ApiToken
    secret: str


def token_digest(secret: str) -> str:
    """Return the hex SHA-256 digest stored for the token string ``secret``."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_scope_choices() -> list[str]:
    """Return every scope a token may carry: each registered action's domain with read, write and admin."""
    domains = sorted({action.split(".", 1)[0] for action in access.registered_actions()})
    return [f"{domain}:{kind}" for domain in domains for kind in SCOPE_KINDS]


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """Return the actor's own tokens, newest first, each annotated with ``status``.

    ``status`` is ``"revoked"``, ``"expired"`` or ``"active"``. Needs a full session
    (``identity.token_list``); emits nothing.
    """
    access.require(actor, "identity.token_list")
    now = timezone.now()
    status = Case(
        When(revoked_at__isnull=False, then=Value(TokenStatus.REVOKED)),
        When(expires_at__lte=now, then=Value(TokenStatus.EXPIRED)),
        default=Value(TokenStatus.ACTIVE),
        output_field=CharField(),
    )
    tokens = ApiToken.objects.annotate(status=status).order_by("-created_at", "-pk")
    return access.visible(actor, "identity.token_list", tokens)


def _validated(*, name: str, scopes: list[str], lifetime_days: int) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 100:
        errors["name"] = [_("Give the token a name of 1 to 100 characters.")]
    allowed = set(api_token_scope_choices())
    chosen = sorted(set(scopes))
    if not chosen:
        errors["scopes"] = [_("Choose at least one scope.")]
    elif not set(chosen) <= allowed:
        errors["scopes"] = [_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(sorted(set(chosen) - allowed))}]
    if not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        errors["lifetime_days"] = [_("A token expires after 1 to %(max)d days.") % {"max": MAX_LIFETIME_DAYS}]
    if errors:
        raise InvalidInput(_("The token could not be created."), errors=errors)
    return clean_name, chosen


def api_token_create(*, actor: Actor, name: str, scopes: list[str], lifetime_days: int) -> IssuedToken:
    """Create a token for the actor and return it with its secret (the only time the secret exists).

    Needs a full session (``identity.token_create``), a name, at least one known scope and a lifetime of
    1 to 365 days. Emits ``identity.token_created`` (name, prefix, scopes, expiry; never the secret).
    Raises :class:`InvalidInput` with per-field errors, :class:`PermissionDenied` for token actors.
    """
    access.require(actor, "identity.token_create")
    if actor.user_id is None:  # the rule already refuses this; it keeps the type checker informed
        raise PermissionDenied
    clean_name, chosen = _validated(name=name, scopes=scopes, lifetime_days=lifetime_days)
    prefix = secrets.token_hex(PREFIX_HEX_BYTES)
    secret = f"{TOKEN_TAG}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user_id=actor.user_id,
            name=clean_name,
            prefix=prefix,
            digest=token_digest(secret),
            scopes=chosen,
            created_at=now,
            expires_at=now + timedelta(days=lifetime_days),
        )
        audit_record(
            actor=actor,
            action="identity.token_created",
            object_type=TOKEN_OBJECT,
            object_id=token.pk,
            detail={"name": clean_name, "prefix": prefix, "scopes": chosen, "expires_at": token.expires_at.isoformat()},
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke token ``token_id`` now; revoking a revoked token changes nothing and records nothing.

    Needs ``identity.token_revoke`` (owner, administrator or security officer; others get
    :class:`NotFound`). Emits ``identity.token_revoked``.
    """
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise NotFound
        access.require(actor, "identity.token_revoke", token)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="identity.token_revoked",
            object_type=TOKEN_OBJECT,
            object_id=token.pk,
            detail={"prefix": token.prefix, "owner_id": token.user_id},
        )
    return token


def _parse(secret: str) -> tuple[str, str] | None:
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_TAG or len(parts[1]) != 2 * PREFIX_HEX_BYTES:
        return None
    return parts[1], token_digest(secret)


def _find(prefix: str, digest: str) -> ApiToken | None:
    """Return the token whose digest matches, comparing every candidate in constant time."""
    match = None
    for candidate in ApiToken.objects.filter(prefix=prefix).select_related("user", "user__organisation"):
        if hmac.compare_digest(candidate.digest, digest):
            match = candidate
    return match


def _owner_actor(token: ApiToken, *, client_ip: str | None) -> Actor | None:
    user: User = token.user
    if not user.is_active:
        return None
    return Actor.from_user(user, client_ip=client_ip, scopes=frozenset(token.scopes), token_id=token.pk)


def api_token_authenticate(*, actor: Actor, secret: str, purpose: str = "") -> Actor:
    """Return the actor of the valid token ``secret``, narrowed to its scopes, and record its use.

    ``actor`` is the anonymous caller (for its client address); ``purpose`` names the request (method
    and path, no query). A valid token gets ``last_used_at``/``last_used_ip`` and one
    ``identity.token_used`` event per request; an expired or revoked one is recorded as denied. Raises
    :class:`NotAuthenticated` for any token that is not valid (without saying why to the caller).
    """
    parsed = _parse(secret)
    token = _find(*parsed) if parsed is not None else None
    if token is None:
        raise NotAuthenticated(_("The API token is not valid."))
    now = timezone.now()
    owner = (
        None
        if token.revoked_at is not None or token.expires_at <= now
        else _owner_actor(token, client_ip=actor.client_ip)
    )
    with transaction.atomic():
        if owner is None:
            audit_record(
                actor=actor,
                action="identity.token_used",
                outcome=Outcome.DENIED,
                object_type=TOKEN_OBJECT,
                object_id=token.pk,
                username=token.user.get_username(),
                detail={"prefix": token.prefix, "request": purpose, "reason": _refusal(token, now=now)},
            )
        else:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=actor.client_ip)
            audit_record(
                actor=owner,
                action="identity.token_used",
                object_type=TOKEN_OBJECT,
                object_id=token.pk,
                detail={"prefix": token.prefix, "request": purpose},
            )
    if owner is None:
        raise NotAuthenticated(_("The API token is not valid."))
    return owner


def _refusal(token: ApiToken, *, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    return "inactive_user"
