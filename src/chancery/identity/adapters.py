"""allauth adapters: closed sign-up, audited sign-in/out and password changes, encrypted MFA secrets.

These are allauth's explicit extension points (``ACCOUNT_ADAPTER``, ``MFA_ADAPTER``,
``USERSESSIONS_ADAPTER``); each hook calls one identity service and leaves allauth's behaviour intact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from chancery.identity import lockout, services
from chancery.identity.crypto import secret_decrypt, secret_encrypt
from chancery.platform.actor import Actor
from chancery.platform.http import client_ip

TEMPORARY_PASSWORD_EXPIRED = _(
    "This one-time password has expired. Ask an administrator or a security officer for a new one."
)


def _request_actor(request: HttpRequest | None, user: Any = None) -> Actor:
    """Return the actor for ``user`` (default: the request's user) with the client's address."""
    address = client_ip(request) if request is not None else None
    if user is None and request is not None:
        user = getattr(request, "user", None)
    return Actor.from_user(user, client_ip=address) if user is not None else Actor.anonymous(client_ip=address)


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up and audits sign-ins, failures, lockouts, sign-outs and password changes."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Return False: accounts are created by administrators only."""
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """Authenticate as allauth does, but refuse a one-time password whose validity has run out.

        The refusal is a form error telling the person to ask for a new password, and is audited.
        """
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        if user is not None and services.temporary_password_is_expired(user):  # type: ignore[arg-type]
            services.sign_in_failure_record(
                actor=Actor.anonymous(client_ip=client_ip(request)),
                username=user.get_username(),
                reason="temporary_password_expired",
            )
            raise forms.ValidationError(TEMPORARY_PASSWORD_EXPIRED, code="temporary_password_expired")
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """Audit a failed password check (after axes has counted it) and, once, the lockout it caused."""
        username = str(credentials.get("username") or "")
        actor = Actor.anonymous(client_ip=client_ip(request))
        newly_locked = lockout.was_locked_by_this_attempt(request)
        reason = "locked" if lockout.request_is_locked_out(request) and not newly_locked else "credentials"
        services.sign_in_failure_record(actor=actor, username=username, reason=reason)
        if newly_locked:
            services.lockout_record(actor=actor, username=username)

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        """Audit the completed sign-in with the factors used, then let allauth redirect."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        methods = sorted({str(record.get("method", "")) for record in get_authentication_records(request, user)})
        actor = _request_actor(request, user)
        services.sign_in_record(actor=actor, methods=methods)
        services.session_limit_enforce(actor=actor, current_session_key=request.session.session_key or "")
        return response

    def logout(self, request: HttpRequest) -> None:
        """Audit the sign-out, then end the session."""
        if request.user.is_authenticated:
            services.sign_out_record(actor=_request_actor(request), reason="user")
        super().logout(request)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """Set and save the new password, then audit ``identity.password_changed`` (never the password)."""
        super().set_password(user, password)
        request = self.request
        actor = _request_actor(request) if request is not None else Actor.anonymous()
        services.password_change_record(actor=actor, user_id=int(user.pk))


class MfaAdapter(DefaultMFAAdapter):
    """Encrypts TOTP secrets and recovery seeds at rest; keeps enforced users from dropping their MFA."""

    def encrypt(self, text: str) -> str:
        """Return ``text`` sealed with AES-256-GCM (see :mod:`chancery.identity.crypto`)."""
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        """Return the plaintext of a value sealed by :meth:`encrypt`."""
        return secret_decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Refuse to remove the last TOTP/WebAuthn authenticator of a user for whom MFA is enforced."""
        user = authenticator.user
        if not getattr(user, "mfa_required", False):
            return True
        others = (
            Authenticator.objects.filter(user_id=user.pk)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exclude(pk=authenticator.pk)
        )
        return bool(others.exists())


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Audits the user signing out their own other sessions."""

    def end_sessions(self, sessions: Iterable[Any]) -> None:
        """End ``sessions`` and audit ``identity.session_revoked`` with how many were ended."""
        ended = list(sessions)
        super().end_sessions(ended)
        request = self.request
        if request is not None and ended:
            services.session_revoke_record(actor=_request_actor(request), count=len(ended))
