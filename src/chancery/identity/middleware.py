"""Session timeouts and MFA enforcement, applied to every request."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import warning
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from chancery.identity.services import sign_out_record
from chancery.platform.actor import Actor
from chancery.platform.http import client_ip

SESSION_STARTED = "chancery_session_started"
SESSION_SEEN = "chancery_session_seen"
# ASVS 14.3.1: on sign-out the browser drops cached pages, cookies and storage for this origin.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class SessionTimeoutMiddleware:
    """Sign a user out after ``SESSION_IDLE_TIMEOUT`` idle seconds or ``SESSION_ABSOLUTE_TIMEOUT`` in all.

    Whenever a request ends a signed-in session (timeout, the sign-out button, the admin's sign-out), the
    response carries ``Clear-Site-Data`` so the browser also forgets cached pages and stored data.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Sign out an expired session (audited) or record this request as the session's last activity."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = int(request.session.setdefault(SESSION_STARTED, now))
            seen = int(request.session.get(SESSION_SEEN, now))
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                actor = Actor.from_user(user, client_ip=client_ip(request))
                sign_out_record(actor=actor, reason="absolute" if expired else "idle")
                logout(request)
                warning(request, _("Your session has expired. Please sign in again."))
                response: HttpResponse = redirect(settings.LOGIN_URL)
                response["Clear-Site-Data"] = CLEAR_SITE_DATA
                return response
            request.session[SESSION_SEEN] = now
        response = self.get_response(request)
        if user is not None and user.is_authenticated and not request.user.is_authenticated:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class _SignedInGate(ABC):
    """Hold a signed-in user back until they have done something; ``allowed_prefixes`` stay reachable meanwhile."""

    allowed_prefixes: tuple[str, ...] = ()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer with :meth:`detour` for a signed-in user outside the allowed paths when it has one."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.allowed_prefixes):
            response = self.detour(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    @abstractmethod
    def detour(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        """Return where ``user`` must go first, or None to let the request through."""


class PasswordChangeRequiredMiddleware(_SignedInGate):
    """Send a user whose password was set by someone else to choose their own before anything else.

    Only the password-change page, re-authentication, sign-out, the language switch and static files
    stay reachable (ASVS 6.4.1: such a password is good for one sign-in).
    """

    allowed_prefixes = (
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
        "/i18n/",
        "/static/",
    )

    def detour(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        """Redirect to the password change while the account still has a one-time password."""
        if not getattr(user, "password_change_required", False):
            return None
        if request.method == "GET":
            warning(request, _("Your password was set by an administrator. Choose your own password to go on."))
        return redirect(reverse("account_change_password"))


class MfaRequiredMiddleware(_SignedInGate):
    """Send users whose role or clearance demands MFA, and who have none, to set it up first.

    Only the MFA set-up pages (allauth's ``/accounts/2fa/…``, including ``mfa_activate_totp``), the
    password change (a one-time password is replaced before MFA is set up), the re-authentication step
    allauth may ask for before activation, sign-out, the language switch and static files stay reachable
    until they do; the API is left to its token rules.
    """

    allowed_prefixes = (
        "/accounts/2fa/",
        "/accounts/password/change/",  # a one-time password is replaced first (PasswordChangeRequiredMiddleware)
        "/accounts/reauthenticate/",
        "/accounts/logout/",
        "/accounts/login/",
        "/i18n/",
        "/static/",
        "/api/",
    )

    def detour(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        """Redirect to TOTP activation while MFA is required but not set up."""
        if not getattr(user, "mfa_required", False):
            return None
        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(user):
            return None
        warning(request, _("Your role or clearance requires two-factor authentication. Set it up to go on."))
        return redirect(reverse("mfa_activate_totp"))
