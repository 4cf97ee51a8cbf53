"""RFC 9457 problem details: the one error format of the API.

Every error the API answers with is ``application/problem+json`` carrying ``type`` (``/problems/<slug>``),
``title``, ``status``, ``detail`` and ``instance`` (the request path); validation errors add ``errors``
(a field path mapped to its messages). Nothing else, and never a traceback.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

# Slugs for statuses that have no domain error of their own.
STATUS_SLUGS: dict[int, str] = {
    400: "bad-request",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    429: "rate-limited",
    500: "internal-error",
}


class Problem(Schema):
    """An RFC 9457 problem details object (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, list[str]] | None = None


def status_slug(status: int) -> str:
    """Return the problem slug for an HTTP ``status`` without a more specific problem type."""
    if status in STATUS_SLUGS:
        return STATUS_SLUGS[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return "error"


def status_title(status: int) -> str:
    """Return the standard reason phrase for ``status`` (translated when a translation exists)."""
    try:
        return _(HTTPStatus(status).phrase)
    except ValueError:
        return _("Error")


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Return an ``application/problem+json`` response for ``request``.

    Needs the HTTP ``status``; ``slug`` and ``title`` default to the status' own; ``detail`` defaults to
    the title. Emits nothing else (no logging, no audit).
    """
    resolved_title = title or status_title(status)
    body: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}{slug or status_slug(status)}",
        "title": resolved_title,
        "status": status,
        "detail": detail or resolved_title,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response: HttpResponse) -> bool:
    """True when ``response`` is already problem+json."""
    return str(response.get("Content-Type", "")).startswith(PROBLEM_CONTENT_TYPE)


PROBLEM_RESPONSES: dict[int, type[Problem]] = {
    401: Problem,
    403: Problem,
    422: Problem,
    429: Problem,
}
"""Error responses every authenticated operation may answer with (for the OpenAPI document)."""
