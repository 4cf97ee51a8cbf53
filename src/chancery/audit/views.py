"""The audit log page for security officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chancery.audit.models import AuditEvent


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """Render the latest audit events."""
    return render(request, "audit/events.html", {"events": AuditEvent.objects.all()[:100]})
