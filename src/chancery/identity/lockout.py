"""What a locked-out user sees."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Render the lockout page (HTTP 403) explaining that a security officer must unlock the account."""
    return TemplateResponse(request, "identity/locked_out.html", status=403)
