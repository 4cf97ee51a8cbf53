"""API authentication: personal API tokens (``Authorization: Bearer …``) and the browser session.

Each authenticator leaves an :class:`~chancery.platform.actor.Actor` in ``request.auth``; handlers get
it with :func:`request_actor`. A token's actor carries the token's scopes, so the policy engine narrows
what it may do. Session requests that change state must carry the CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from chancery.platform.actor import Actor
from chancery.platform.api.handlers import CsrfFailed
from chancery.platform.errors import NotAuthenticated, PermissionDenied
from chancery.platform.http import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer chy_…``: a personal API token (raises 401 when it is not valid)."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        """Return the token's actor; raise :class:`NotAuthenticated` for a wrong, expired or revoked token."""
        from chancery.identity.tokens import api_token_authenticate

        return api_token_authenticate(
            actor=Actor.anonymous(client_ip=client_ip(request)),
            secret=token.strip(),
            purpose=f"{request.method} {request.path}"[:200],
        )


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    # Documented under the production cookie name so that the committed OpenAPI document does not depend
    # on the environment; authentication itself reads the session through Django's middleware.
    param_name = "__Host-chancery-session"

    def __call__(self, request: HttpRequest) -> Actor | None:
        """Return the session's actor, None without a session; raise on CSRF failure or missing MFA."""
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed
        if getattr(user, "mfa_required", False):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                raise PermissionDenied("Your role or clearance requires two-factor authentication; set it up first.")
        actor = Actor.from_user(user, client_ip=client_ip(request))
        return actor if actor.is_authenticated else None

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        """Unused: :meth:`__call__` reads the session from the request directly."""
        return None


def request_actor(request: HttpRequest) -> Actor:
    """Return the actor an authenticator left on ``request`` (raise 401 if there is none)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor) or not actor.is_authenticated:
        raise NotAuthenticated
    return actor
