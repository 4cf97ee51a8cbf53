"""Exception handlers that turn every failure inside an API operation into problem+json."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from chancery.platform.api.problems import problem_response
from chancery.platform.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("chancery.api")


class CsrfFailed(HttpError):
    """A session-authenticated request changed state without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def validation_errors(raw: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Map Ninja/pydantic error dicts to ``{"body.field": ["message", …]}`` (no input values echoed)."""
    errors: dict[str, list[str]] = {}
    for item in raw:
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "") or "request"
        errors.setdefault(location, []).append(str(item.get("msg", _("Invalid value"))))
    return errors


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Render a :class:`DomainError` with its own status, slug and title."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(
        request,
        status=exc.status,
        slug=exc.slug,
        title=_(exc.title),
        detail=exc.detail,
        errors=exc.errors or None,
        headers=headers,
    )


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Render request validation failures as 422 with per-field ``errors``."""
    return problem_response(
        request,
        status=422,
        slug="invalid-input",
        title=_("Invalid input"),
        detail=_("The request has invalid values; see errors."),
        errors=validation_errors(exc.errors),
    )


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Render Ninja's HTTP errors (authentication, CSRF, throttling, unparsable bodies)."""
    if isinstance(exc, AuthenticationError):
        return problem_response(
            request,
            status=401,
            slug="not-authenticated",
            title=_("Authentication required"),
            detail=_("Send a valid API token (Authorization: Bearer …) or sign in."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if isinstance(exc, CsrfFailed):
        return problem_response(
            request,
            status=403,
            slug="csrf-failed",
            title=_("CSRF check failed"),
            detail=_("Session requests that change state need the CSRF token in the X-CSRFToken header."),
        )
    if isinstance(exc, Throttled):
        return problem_response(
            request,
            status=429,
            slug="rate-limited",
            title=_("Too many requests"),
            detail=_("The rate limit for this token or client was reached; retry after the indicated delay."),
        )
    if exc.status_code == 400:
        return problem_response(
            request,
            status=400,
            slug="malformed-request",
            title=_("Malformed request"),
            detail=_("The request body could not be parsed as JSON."),
        )
    return problem_response(request, status=exc.status_code, detail=str(exc))


def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """Render a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as 413."""
    return problem_response(
        request,
        status=413,
        slug="payload-too-large",
        title=_("Request body too large"),
        detail=_("The request body exceeds the allowed size."),
    )


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Render a missing object or route as 404."""
    return problem_response(request, status=404, slug="not-found", title=_("Not found"), detail=_("No such resource."))


def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Render Django's own PermissionDenied as 403."""
    return problem_response(request, status=403, slug="permission-denied", title=_("Permission denied"))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Log an unexpected exception (type only in the response) and answer 500 without a traceback."""
    logger.error("Unhandled error in API operation %s %s", request.method, request.path, exc_info=exc)
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        title=_("Internal error"),
        detail=_("The server could not complete the request. The error has been logged."),
    )


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (DomainError, on_domain_error),
    (ValidationError, on_validation_error),
    (HttpError, on_http_error),
    (RequestDataTooBig, on_too_big),
    (Http404, on_not_found),
    (ObjectDoesNotExist, on_not_found),
    (DjangoPermissionDenied, on_forbidden),
    (Exception, on_unexpected),
]


def install_problem_handlers(api: NinjaAPI) -> None:
    """Register the problem+json handlers on ``api`` (replacing Ninja's defaults)."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)
