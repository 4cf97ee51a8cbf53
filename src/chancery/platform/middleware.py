"""Response hardening applied to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from chancery.platform.errors import NotFound, PermissionDenied

REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})
MACHINE_PATH_PREFIXES = ("/api/", "/taxii2/", "/tlog/")
"""Paths read by programs, not browsers: over plain HTTP they get an error, never a redirect (ASVS V4.1.2)."""
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


class HttpsRequiredMiddleware:
    """With ``CHANCERY_SSL_REDIRECT`` on, refuse plain-HTTP requests to machine endpoints instead of redirecting.

    Browsers asking for a page over HTTP are redirected by Django's SecurityMiddleware; an API, TAXII or
    transparency-log client gets ``403`` problem+json (``/problems/https-required``), so a client that
    sends credentials in clear text fails loudly instead of being silently fixed up. Sits before
    SecurityMiddleware. Emits nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer 403 problem+json for an insecure request to a machine path when redirects are on."""
        if settings.SECURE_SSL_REDIRECT and not request.is_secure() and request.path.startswith(MACHINE_PATH_PREFIXES):
            from chancery.platform.api.problems import problem_response

            response = problem_response(
                request,
                status=403,
                slug="https-required",
                title=_("HTTPS required"),
                detail=_("This endpoint is served over HTTPS only; send the request to its https:// address."),
            )
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)


class DomainErrorPagesMiddleware:
    """Answer a page view's domain ``NotFound`` with the 404 page and its ``PermissionDenied`` with the 403 page.

    Services and selectors raise the errors of :mod:`chancery.platform.errors`; page views let these two
    propagate instead of re-raising them by hand. The answer is exactly Django's own for ``Http404`` and
    ``django.core.exceptions.PermissionDenied``: ``handler404`` / ``handler403`` (the technical 404 page under
    ``DEBUG``), with the usual "Not Found" / "Forbidden" warning on the ``django.request`` logger. A
    ``NotFound`` stays a 404, so an object the actor may not know exists is never confirmed by a 403.
    Requests under ``/api/`` are left alone (Ninja answers every domain error there as problem+json), and
    every other exception passes through to the middleware above.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on unchanged."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return the 404 or 403 page for the two domain errors outside ``/api/``; None for anything else."""
        if request.path.startswith("/api/"):
            return None
        page_error: Exception
        if isinstance(exception, NotFound):
            page_error = Http404(str(exception))
        elif isinstance(exception, PermissionDenied):
            page_error = DjangoPermissionDenied(str(exception))
        else:
            return None
        page_error.__cause__ = exception
        return response_for_exception(request, page_error)
