"""Clear answers when the platform itself fails: the database is away (503) or the disk is full (507).

Without these, both would be an anonymous 500. The API answers problem+json (handlers installed in
``chancery.config.api``). Pages get a bilingual HTML page rendered from a static template without a request,
so no context processor runs and nothing touches the database: :class:`FaultPagesMiddleware` catches the
fault in a view, and :func:`server_error` (the root ``handler500``) catches it in a middleware (a session
or user lookup with the database away).
"""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from chancery.platform.api.handlers import on_unexpected
from chancery.platform.api.problems import problem_response

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("chancery.api")
RETRY_AFTER_SECONDS = 30
FAULT_PAGE = "resilience/unavailable.html"
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Answer 503 problem+json with ``Retry-After``: nothing was changed, the client may try again."""
    logger.error("database unavailable during %s %s: %s", request.method, request.path, type(exc).__name__)
    return problem_response(
        request,
        status=503,
        slug="service-unavailable",
        title=_("Service unavailable"),
        detail=_("The database cannot be reached. Nothing was changed; try again in a moment."),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def on_os_error(request: HttpRequest, exc: OSError) -> HttpResponse:
    """Answer 507 problem+json when the server's storage is full; any other OS error is unexpected (500)."""
    if exc.errno not in STORAGE_FULL_ERRNOS:
        return on_unexpected(request, exc)
    logger.error("storage full during %s %s", request.method, request.path)
    return problem_response(
        request,
        status=507,
        slug="storage-full",
        title=_("Storage full"),
        detail=_("The server's storage is full, so nothing was saved. Tell the administrators."),
    )


def install_fault_handlers(api: NinjaAPI) -> None:
    """Register the 503 and 507 handlers on ``api`` (more specific than its catch-all 500)."""
    api.add_exception_handler(OperationalError, on_database_unavailable)  # type: ignore[arg-type]
    api.add_exception_handler(InterfaceError, on_database_unavailable)  # type: ignore[arg-type]
    api.add_exception_handler(OSError, on_os_error)  # type: ignore[arg-type]


def fault_status(exc: BaseException | None) -> int | None:
    """Return 503 for a database that cannot be reached, 507 for full storage, None for anything else."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return 503
    if isinstance(exc, OSError) and exc.errno in STORAGE_FULL_ERRNOS:
        return 507
    return None


def fault_page(request: HttpRequest, exc: Exception, status: int) -> HttpResponse:
    """Answer a fault: problem+json under ``/api/``, else the static bilingual page (no database used).

    The page shows the request's language first and the other one after it; 503 carries ``Retry-After``.
    """
    if request.path.startswith("/api/"):
        if status == 503:  # the two statuses this module answers
            return on_database_unavailable(request, exc)
        assert isinstance(exc, OSError)
        return on_os_error(request, exc)
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    codes = [code for code, _name in settings.LANGUAGES]
    language = current if current in codes else settings.LANGUAGE_CODE
    context = {
        "status": status,
        "storage_full": status == 507,
        "language": language,
        "languages": [language, *(code for code in codes if code != language)],
    }
    response = HttpResponse(get_template(FAULT_PAGE).render(context), status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class FaultPagesMiddleware:
    """Turn a view's database or full-disk failure into the 503 or 507 page (other errors pass through)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Wrap the rest of the middleware chain."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on unchanged."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer the fault page for the two platform faults; None lets Django handle anything else."""
        status = fault_status(exception)
        if status is None:
            return None
        logger.error("%s during %s %s: %s", status, request.method, request.path, type(exception).__name__)
        return fault_page(request, exception, status)


def server_error(request: HttpRequest) -> HttpResponse:
    """The root ``handler500``: the fault page for a database or full-disk failure, else the 500 page."""
    from chancery.platform.views import server_error as platform_server_error

    exc = sys.exc_info()[1]
    status = fault_status(exc)
    if status is None or not isinstance(exc, Exception):
        return platform_server_error(request)
    return fault_page(request, exc, status)
