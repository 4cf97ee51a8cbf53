"""Thin receivers for allauth's MFA signals, connected in :class:`IdentityConfig.ready`.

Why signals here: allauth offers no adapter or form hook when an authenticator is added, removed or
reset (its views call internal flow functions that only emit these signals). Each receiver does one
thing: call :func:`chancery.identity.services.mfa_change_record`. Business logic stays in the service.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator

from chancery.identity import services
from chancery.platform.actor import Actor
from chancery.platform.http import client_ip


def _record(action: str, signal_kwargs: dict[str, Any]) -> None:
    request = signal_kwargs.get("request")
    authenticator: Authenticator = signal_kwargs["authenticator"]
    services.mfa_change_record(
        actor=Actor.from_user(signal_kwargs["user"], client_ip=client_ip(request) if request is not None else None),
        action=action,
        authenticator_type=str(authenticator.type),
        authenticator_id=authenticator.pk,
    )


def on_authenticator_added(**kwargs: Any) -> None:
    """Audit ``identity.mfa_activated`` (or ``identity.recovery_codes_generated`` for recovery codes)."""
    is_codes = kwargs["authenticator"].type == Authenticator.Type.RECOVERY_CODES
    _record("identity.recovery_codes_generated" if is_codes else "identity.mfa_activated", kwargs)


def on_authenticator_removed(**kwargs: Any) -> None:
    """Audit ``identity.mfa_deactivated``."""
    _record("identity.mfa_deactivated", kwargs)


def on_authenticator_reset(**kwargs: Any) -> None:
    """Audit ``identity.recovery_codes_generated`` (codes regenerated)."""
    _record("identity.recovery_codes_generated", kwargs)


def connect() -> None:
    """Connect the receivers (idempotent: fixed ``dispatch_uid`` values)."""
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="chancery.identity.mfa_added")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="chancery.identity.mfa_removed")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="chancery.identity.mfa_reset")
