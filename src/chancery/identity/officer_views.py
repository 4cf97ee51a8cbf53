"""Officers' account pages: end a person's (or everyone's) sessions, reset a password, replace a lost factor.

Every action is a POST that asks the officer to re-authenticate when their last password or code entry
is older than ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; the services check the policy rules again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chancery.identity import selectors, services
from chancery.identity.reauth import reauthenticated
from chancery.platform.errors import DomainError, NotFound, PermissionDenied
from chancery.platform.http import page_actor

RESULT_TEMPLATE = "identity/temporary_password.html"


@login_required
@require_http_methods(["GET", "HEAD"])
def accounts(request: HttpRequest) -> HttpResponse:
    """List the accounts the officer looks after (``?q=`` filters), pending factor resets, and "end all"."""
    actor = page_actor(request)
    query = request.GET.get("q", "")[:150]
    users = selectors.managed_user_list(actor=actor, query=query)
    pending = selectors.mfa_reset_pending_list(actor=actor)
    return render(request, "identity/accounts.html", {"users": users, "query": query, "pending": pending})


@login_required
@require_http_methods(["GET", "HEAD"])
def account(request: HttpRequest, user_id: int) -> HttpResponse:
    """Show one account's sessions, second factors and the officer's actions on it."""
    detail = selectors.managed_user_get(actor=page_actor(request), user_id=user_id)
    return render(request, "identity/account.html", {"detail": detail})


@login_required
@require_POST
@reauthenticated
def account_sessions_end(request: HttpRequest, user_id: int) -> HttpResponse:
    """Sign the account out everywhere."""
    count = services.user_sessions_end(actor=page_actor(request), user_id=user_id)
    messages.success(
        request, ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count}
    )
    return redirect("security:account", user_id=user_id)


@login_required
@require_POST
@reauthenticated
def sessions_end_all(request: HttpRequest) -> HttpResponse:
    """Sign out every account the officer looks after, keeping the officer's own sessions."""
    count = services.all_sessions_end(actor=page_actor(request))
    messages.success(
        request, ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count}
    )
    return redirect("security:accounts")


@login_required
@never_cache
@require_POST
@reauthenticated
def account_password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Set a one-time password and show it once, to hand over in person."""
    issued = services.user_password_reset(actor=page_actor(request), user_id=user_id)
    return render(request, RESULT_TEMPLATE, {"issued": issued, "after_mfa_reset": False, "user_id": user_id})


@login_required
@require_POST
@reauthenticated
def account_mfa_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """File a second-factor reset request with how the person's identity was proven."""
    try:
        services.mfa_reset_request(
            actor=page_actor(request), user_id=user_id, identity_evidence=request.POST.get("identity_evidence", "")
        )
    except NotFound:
        raise Http404 from None
    except PermissionDenied as error:
        raise HttpPermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Request filed. A second officer must approve it."))
    return redirect("security:account", user_id=user_id)


@login_required
@never_cache
@require_POST
@reauthenticated
def mfa_reset_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve a colleague's second-factor reset; show the one-time password to hand over."""
    try:
        issued = services.mfa_reset_approve(actor=page_actor(request), request_id=request_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as error:
        raise HttpPermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("security:accounts")
    return render(request, RESULT_TEMPLATE, {"issued": issued, "after_mfa_reset": True, "user_id": None})


@login_required
@require_POST
@reauthenticated
def mfa_reset_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    """Reject a colleague's second-factor reset."""
    try:
        services.mfa_reset_reject(actor=page_actor(request), request_id=request_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as error:
        raise HttpPermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Request rejected."))
    return redirect("security:accounts")
