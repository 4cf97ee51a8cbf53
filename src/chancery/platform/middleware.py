"""Response hardening applied to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """Mark every response to a signed-in user as never to be cached (shared browsers, proxies).

    Public, cacheable endpoints (the transparency log's checkpoint, keys and tiles) set their own
    ``Cache-Control`` and are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Add ``no-store, private`` to a signed-in user's response unless it set its own caching."""
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", private"
        return response
