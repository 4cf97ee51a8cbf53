"""Own-account pages wrapping allauth's: re-authenticated session ending and shown-once recovery codes."""

from __future__ import annotations

from typing import Any

from allauth.mfa.base.views import IndexView
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.forms import GenerateRecoveryCodesForm
from allauth.usersessions.views import list_usersessions
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chancery.identity import recovery, services
from chancery.identity.reauth import reauthenticated, reauthenticated_for_post
from chancery.platform.errors import DomainError
from chancery.platform.http import page_actor

RECOVERY_TEMPLATE = "mfa/recovery_codes/index.html"
GENERATE_TEMPLATE = "mfa/recovery_codes/generate.html"


own_sessions = login_required(reauthenticated_for_post(list_usersessions))
own_sessions.__doc__ = (
    "allauth's own-sessions page; signing other sessions out asks for re-authentication (ASVS 7.5.2)."
)


class MaskedIndexView(IndexView):  # type: ignore[misc]  # allauth's views are untyped
    """allauth's two-factor overview, counting hashed recovery codes without reading any."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Build allauth's context, then swap the recovery-codes wrapper for a masked one."""
        context: dict[str, Any] = super().get_context_data(**kwargs)
        authenticators = context.get("authenticators", {})
        codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
        if codes is not None:
            authenticators[Authenticator.Type.RECOVERY_CODES] = recovery.MaskedRecoveryCodes(codes.instance)
        return context


mfa_index = MaskedIndexView.as_view()


def _codes_page(request: HttpRequest, codes: list[str] | None) -> HttpResponse:
    row = Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    if row is None:
        raise Http404
    total = len(codes) if codes is not None else recovery.total_count(row)
    shown = codes if codes is not None else ["****"] * recovery.unused_count(row)
    context = {
        "unused_codes": shown,
        "can_view_codes": codes is not None,
        "can_download_codes": False,
        "total_count": total,
        "MFA_RECOVERY_CODES_SHOW_ONCE": True,
        "can_generate_codes": True,
    }
    return render(request, RECOVERY_TEMPLATE, context)


@login_required
@never_cache
@reauthenticated
@require_http_methods(["GET", "HEAD"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show codes allauth has just created (hashing them as they are shown), or how many are left."""
    return _codes_page(request, services.recovery_codes_reveal_pending(actor=page_actor(request)))


@login_required
@never_cache
@reauthenticated
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes_generate(request: HttpRequest) -> HttpResponse:
    """Confirm, then replace the recovery codes and show the new ones once."""
    form = GenerateRecoveryCodesForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_issue(actor=page_actor(request))
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            return _codes_page(request, codes)
    row = Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    unused = recovery.unused_count(row) if row is not None else 0
    return render(request, GENERATE_TEMPLATE, {"form": form, "unused_code_count": unused})


@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    """Refuse: codes are stored hashed and cannot be listed again (they are shown once, when issued)."""
    raise Http404
