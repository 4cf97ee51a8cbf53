"""Account security pages: the user's own security settings, and security officers' lockout list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.identity import selectors, services
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, PermissionDenied
from chancery.platform.http import page_actor


def _actor(request: HttpRequest) -> Actor:
    return page_actor(request)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Render the security overview: two-factor methods, sessions, password and API tokens."""
    overview = selectors.security_overview_get(actor=_actor(request))
    return render(request, "identity/security.html", {"overview": overview})


@login_required
@require_http_methods(["GET", "HEAD"])
def lockouts(request: HttpRequest) -> HttpResponse:
    """List locked accounts the officer may unlock, each with an Unlock button."""
    locked = selectors.locked_account_list(actor=_actor(request))
    return render(request, "identity/lockouts.html", {"locked": locked})


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    """Unlock the posted ``username`` and return to the list with a message."""
    username = request.POST.get("username", "").strip()
    try:
        services.account_unlock(actor=_actor(request), username=username)
    except PermissionDenied as error:
        raise HttpPermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The account “%(username)s” is unlocked.") % {"username": username})
    return redirect("security:lockouts")
