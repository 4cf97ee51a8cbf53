"""MFA code forms (``MFA_FORMS``): wrong codes count towards the account lockout and are audited.

allauth's own MFA rate limit is off (``ACCOUNT_RATE_LIMITS = False``: axes owns lockout), so without
this a password-holder could guess TOTP codes forever. A wrong code is recorded as an axes failure for
the account, and a locked account cannot pass the second step either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.utils.translation import gettext_lazy as _

from chancery.identity import lockout, recovery, services
from chancery.platform.actor import Actor
from chancery.platform.http import client_ip

LOCKED_MESSAGE = _("Too many failed sign-in attempts. This account is locked until a security officer unlocks it.")


class _LockoutAwareCodeMixin:
    """Refuses codes for locked accounts and feeds wrong codes into axes' failure count."""

    user: Any
    cleaned_data: dict[str, Any]
    authenticator: Authenticator
    _emit_authentication_failed: Callable[[Authenticator], None]  # allauth's hook, on both forms below

    def _refuse_if_locked(self) -> None:
        if lockout.username_is_locked(self.user.get_username()):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")

    def _check_code(self) -> str:
        """Check the code as allauth does, except that hashed recovery codes are checked one hash at a time.

        Mirrors :meth:`allauth.mfa.base.forms.BaseAuthenticateForm.clean_code` (security keys cannot
        check typed codes; a failure is reported against the main authenticator).
        """
        clear_rate_limit = check_rate_limit(self.user)
        code = str(self.cleaned_data["code"])
        main: Authenticator | None = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.type == Authenticator.Type.RECOVERY_CODES and recovery.is_hashed(authenticator.data):
                valid = recovery.code_use(authenticator=authenticator, code=code)
            else:
                valid = bool(authenticator.wrap().validate_code(code))
            if valid:
                authenticator.user = self.user
                self.authenticator = authenticator
                clear_rate_limit()
                return code
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_mfa_adapter().validation_error("incorrect_code")

    def _count_failure(self) -> None:
        request = context.request
        username = self.user.get_username()
        AxesProxyHandler.user_login_failed(sender=type(self), credentials={"username": username}, request=request)
        actor = Actor.anonymous(client_ip=client_ip(request))
        services.sign_in_failure_record(actor=actor, username=username, reason="mfa_code")
        if lockout.was_locked_by_this_attempt(request):
            services.lockout_record(actor=actor, username=username)
            request.axes_locked_out = False  # keep the form's own message rather than axes' replacement page


class LockoutAwareAuthenticateForm(_LockoutAwareCodeMixin, AuthenticateForm):
    """The sign-in second step (TOTP or recovery code)."""

    def clean_code(self) -> str:
        """Refuse when locked, then check the code against TOTP and the (hashed) recovery codes."""
        self._refuse_if_locked()
        return self._check_code()

    def _emit_authentication_failed(self, authenticator: Authenticator) -> None:
        self._count_failure()
        super()._emit_authentication_failed(authenticator)


class LockoutAwareReauthenticateForm(_LockoutAwareCodeMixin, ReauthenticateForm):
    """Re-entering a code before a sensitive change (same rules as sign-in)."""

    def clean_code(self) -> str:
        """Refuse when locked, then check the code against TOTP and the (hashed) recovery codes."""
        self._refuse_if_locked()
        return self._check_code()

    def _emit_authentication_failed(self, authenticator: Authenticator) -> None:
        self._count_failure()
        super()._emit_authentication_failed(authenticator)


class SignInForm(LoginForm):
    """allauth's sign-in form without the "Forgot your password?" e-mail link (``ACCOUNT_FORMS``).

    Accounts are provisioned and reset by administrators; an air-gapped deployment has no mail relay.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Build allauth's form, then drop the password-reset help text."""
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
