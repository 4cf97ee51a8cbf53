"""Response hardening applied to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})
ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class PrivatePagesMiddleware:
    """Refuse TRACE, and mark every response to a signed-in user as never to be cached (shared browsers).

    Public, cacheable endpoints (the transparency log's checkpoint, keys and tiles) set their own
    ``Cache-Control`` and are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Refuse TRACE-like methods (405); add ``no-store, private`` to a signed-in user's response."""
        if (request.method or "").upper() in REFUSED_METHODS:  # no view serves them (ASVS V13.4.4)
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", private"
        return response
