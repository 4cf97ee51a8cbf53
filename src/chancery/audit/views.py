"""The audit log page and its CSV export, for administrators and security officers."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chancery.audit.forms import AuditFilterForm
from chancery.audit.selectors import AuditFilters, audit_event_list
from chancery.audit.services import audit_event_export
from chancery.platform.http import page_actor

PAGE_SIZE = 50


class _Echo:
    """A file-like object whose ``write`` returns what it was given (for streaming ``csv.writer``)."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """Render the filtered, paginated audit log."""
    actor = page_actor(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else AuditFilters()
    queryset = audit_event_list(actor=actor, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")) if not form.errors else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Stream the filtered audit events as CSV (the export is itself audited)."""
    actor = page_actor(request)
    form = AuditFilterForm(request.GET or None)
    if form.errors:
        return render(request, "audit/events.html", {"form": form, "page": None, "query": ""}, status=400)
    filters = form.filters() if form.is_valid() else AuditFilters()
    rows = audit_event_export(actor=actor, filters=filters)
    writer = csv.writer(_Echo())
    lines: Iterator[str] = (writer.writerow(row) for row in rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
