"""Session timeouts and MFA enforcement, applied to every request."""

from __future__ import annotations

import time
from collections.abc import Callable

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


class SessionTimeoutMiddleware:
    """Sign a user out after ``SESSION_IDLE_TIMEOUT`` idle seconds or ``SESSION_ABSOLUTE_TIMEOUT`` in all."""

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
                return redirect(settings.LOGIN_URL)
            request.session[SESSION_SEEN] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Send users whose role or clearance demands MFA, and who have none, to set it up first.

    Only the MFA set-up pages (allauth's ``/accounts/2fa/…``, including ``mfa_activate_totp``), the
    re-authentication step allauth may ask for before activation, sign-out, the language switch and
    static files stay reachable until they do.
    """

    allowed_prefixes = (
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
        "/accounts/login/",
        "/i18n/",
        "/static/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Redirect to TOTP activation while MFA is required but not set up; otherwise pass through."""
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "mfa_required", False)
            and not request.path.startswith(self.allowed_prefixes)
            and not request.path.startswith("/api/")
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                warning(request, _("Your role or clearance requires two-factor authentication. Set it up to go on."))
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
