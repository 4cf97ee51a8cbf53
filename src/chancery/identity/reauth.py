"""A typed wrapper of allauth's re-authentication decorator for Chancery's views (ASVS 7.5.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied

type View = Callable[..., HttpResponse]


def reauthenticated[F: View](view: F) -> F:
    """Ask for the password or a second-factor code again unless one was entered in the last few minutes.

    The window is ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` (300 seconds). A POST is kept and replayed once
    the person has re-authenticated. Emits nothing itself (allauth records the re-authentication).
    """
    return cast("F", reauthentication_required(view))


def reauthenticated_for_post(view: View) -> Callable[[HttpRequest], HttpResponse]:
    """Like :func:`reauthenticated`, but a GET passes without asking (a page whose form needs it)."""
    return cast("Callable[[HttpRequest], HttpResponse]", reauthentication_required(view, allow_get=True))


def recent_authentication_require(request: HttpRequest, *, actor: Actor) -> None:
    """Refuse a browser-session API call to a sensitive operation without a re-authentication in the window.

    Token callers (and the system) pass: a token is itself a deliberate, scoped credential. Raises
    PermissionDenied (403 problem) for a session whose last re-authentication is too old. Emits nothing.
    """
    if actor.token_id is not None or actor.is_system:
        return
    if not did_recently_reauthenticate(request):
        raise PermissionDenied(_("Confirm your password or a code on the re-authentication page first, then retry."))
