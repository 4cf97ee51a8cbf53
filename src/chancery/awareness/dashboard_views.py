"""The security dashboard page (``/awareness/dashboard/``): one thin view over :mod:`dashboard`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chancery.awareness.dashboard import security_dashboard_get
from chancery.platform import access
from chancery.platform.http import page_actor


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show MFA coverage, lockouts, training, phish-prone trend, open reports, alerts and exchange activity.

    Needs ``awareness.dashboard``; 403 for anyone else.
    """
    actor = page_actor(request)
    if not access.can(actor, "awareness.dashboard"):
        raise DjangoPermissionDenied
    return render(request, "awareness/dashboard.html", {"board": security_dashboard_get(actor=actor)})
