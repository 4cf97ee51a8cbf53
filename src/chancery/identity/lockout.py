"""Account lockout on top of django-axes: what a locked-out user sees, and lock queries for officers.

Lockout is per sign-in name (``AXES_LOCKOUT_PARAMETERS = ["username"]``) with no cool-off: after
``AXES_FAILURE_LIMIT`` failures the name stays locked until :func:`lockout_reset` clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True, slots=True)
class LockedName:
    """A sign-in name that is locked, with its failure count and the time of the last failure."""

    username: str
    failures: int
    last_attempt: datetime


def failure_limit() -> int:
    """Return the configured number of failures that locks an account."""
    return int(settings.AXES_FAILURE_LIMIT)


def lockout_response(
    request: HttpRequest,
    _original_response: HttpResponse | None = None,
    _credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render the lockout page (HTTP 403) explaining that a security officer must unlock the account.

    axes calls this (``AXES_LOCKOUT_CALLABLE``) from its middleware, in place of the sign-in page's
    response; the page is rendered here because a TemplateResponse returned that late is never rendered
    (the outer middleware would fail with a 500).
    """
    return render(request, "identity/locked_out.html", status=403)


def failures_for(username: str) -> int:
    """Return the failures counted against ``username`` since its last reset."""
    total = AccessAttempt.objects.filter(username=username).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def username_is_locked(username: str) -> bool:
    """True when ``username`` has reached the failure limit."""
    return bool(username) and failures_for(username) >= failure_limit()


def locked_names() -> list[LockedName]:
    """Return every locked sign-in name, most recent failure first (one aggregate query)."""
    rows = (
        AccessAttempt.objects.exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=failure_limit())
        .order_by("-last_attempt", "username")
    )
    return [LockedName(username=r["username"], failures=r["failures"], last_attempt=r["last_attempt"]) for r in rows]


def lockout_reset(*, username: str) -> int:
    """Delete axes' failure records for ``username``; return how many were removed."""
    from axes.utils import reset

    return int(reset(username=username))


def was_locked_by_this_attempt(request: HttpRequest) -> bool:
    """True when the failed attempt just handled by axes is the one that locked the account.

    axes counts a failure (and sets ``axes_failures_since_start``) only while the name is not yet
    locked, and flags the request ``axes_locked_out`` when the count reaches the limit; an attempt on an
    already locked name is refused by the backend without being counted.
    """
    counted = getattr(request, "axes_failures_since_start", None) is not None
    return counted and bool(getattr(request, "axes_locked_out", False))


def request_is_locked_out(request: HttpRequest) -> bool:
    """True when axes refused or locked the sign-in attempt of this request."""
    return bool(getattr(request, "axes_locked_out", False))
