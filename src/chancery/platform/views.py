"""The dashboard shell and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chancery.platform.http import page_actor


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Render the signed-in user's dashboard."""
    actor = page_actor(request)
    return render(request, "platform/dashboard.html", {"actor": actor})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 404 page."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page without touching the database."""
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 403 page."""
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 400 page."""
    return render(request, "400.html", status=400)
