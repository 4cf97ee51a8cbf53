"""Account security pages: MFA status, sessions and API tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Render the security overview: two-factor methods, sessions, password and API tokens."""
    return render(request, "identity/security.html")
