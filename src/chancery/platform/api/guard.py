"""Make every response under ``/api/`` problem+json, including those Ninja builds outside operations.

Ninja answers a wrong method with a plain-text 405 and lets exceptions outside an operation reach
Django's HTML error pages. :func:`problem_guard` wraps each API URL's view so that such responses and
exceptions become problem+json too; :func:`api_not_found` answers unknown routes under ``/api/``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from chancery.platform.api.handlers import on_not_found, on_too_big, on_unexpected
from chancery.platform.api.problems import is_problem, problem_response

View = Callable[..., HttpResponseBase]
logger = logging.getLogger("chancery.api")


def as_problem(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Return ``response`` unchanged unless it is an error that is not yet problem+json."""
    if response.status_code < 400 or not isinstance(response, HttpResponse) or is_problem(response):
        return response
    headers = {}
    if response.status_code == 405 and response.has_header("Allow"):
        headers["Allow"] = str(response["Allow"])
    if response.status_code == 429 and response.has_header("Retry-After"):
        headers["Retry-After"] = str(response["Retry-After"])
    detail = _("This method is not allowed here.") if response.status_code == 405 else None
    return problem_response(request, status=response.status_code, detail=detail, headers=headers)


def problem_guard(view: View) -> View:
    """Wrap an API view so that nothing but problem+json leaves it on error (never a traceback)."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except RequestDataTooBig as exc:
            return on_too_big(request, exc)
        except Http404 as exc:
            return on_not_found(request, exc)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: log it, answer 500
            return on_unexpected(request, exc)
        return as_problem(request, response)

    return guarded


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer any unknown route under ``/api/`` with a 404 problem (for anonymous callers too)."""
    return problem_response(request, status=404, slug="not-found", title=_("Not found"), detail=_("No such API route."))
