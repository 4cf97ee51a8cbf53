"""Clear API answers when the platform itself fails: the database is away (503) or the disk is full (507).

Without these, both would be an anonymous 500. Installed on the API in ``chancery.config.api``; a
candidate for ``chancery.platform.api.handlers`` (kept here so the resilience work does not touch the
shared kernel).
"""

from __future__ import annotations

import errno
import logging
from typing import TYPE_CHECKING

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chancery.platform.api.handlers import on_unexpected
from chancery.platform.api.problems import problem_response

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("chancery.api")
RETRY_AFTER_SECONDS = 30


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
    if exc.errno not in {errno.ENOSPC, errno.EDQUOT}:
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
