"""Retention pages: legal holds and retention classes on a document, and the disposal overview.

For security officers and administrators (``vault.retention``); everyone else gets 403. Each view parses,
calls one service or selector and redirects or renders; domain errors become messages.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor
from chancery.vault import retention, selectors
from chancery.vault.forms import HoldForm, RetentionForm

UPCOMING = timedelta(days=30)


def _retention_actor(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "vault.retention"):
        raise DjangoPermissionDenied
    return actor


def _back(request: HttpRequest, document_id: int) -> HttpResponse:
    if request.POST.get("back") == "retention":
        return redirect("vault:retention")
    return redirect("vault:document_detail", document_id=document_id)


@login_required
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    """Render documents due (or soon due) for disposal and the newest disposal records."""
    actor = _retention_actor(request)
    now = timezone.now()
    due = list(selectors.disposal_due_list(actor=actor, until=now + UPCOMING))
    records = list(selectors.disposal_record_list(actor=actor))
    readable = selectors.readable_document_ids(
        actor=actor, document_ids=[d.pk for d in due] + [r.document_id for r in records]
    )
    context = {
        "overdue": [d for d in due if d.dispose_after is not None and d.dispose_after <= now],
        "upcoming": [d for d in due if d.dispose_after is not None and d.dispose_after > now],
        "records": records,
        "readable": readable,
        "hold_form": HoldForm(initial={"back": "retention"}),
        "upcoming_days": UPCOMING.days,
    }
    return render(request, "vault/retention.html", context)


@login_required
@require_POST
def legal_hold_place(request: HttpRequest, document_id: int) -> HttpResponse:
    """Place a legal hold with a reason, then go back to the document or the disposal overview."""
    actor = _retention_actor(request)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason of at most 300 characters."))
        return _back(request, document_id)
    try:
        retention.legal_hold_place(actor=actor, document_id=document_id, reason=form.cleaned_data["reason"])
        messages.success(request, _("The legal hold was placed: the document will not be disposed of."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return _back(request, document_id)


@login_required
@require_POST
def legal_hold_release(request: HttpRequest, document_id: int, hold_id: int) -> HttpResponse:
    """Release a legal hold, then go back."""
    actor = _retention_actor(request)
    try:
        retention.legal_hold_release(actor=actor, hold_id=hold_id, document_id=document_id)
        messages.success(request, _("The legal hold was released."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return _back(request, document_id)


@login_required
@require_POST
def retention_set(request: HttpRequest, document_id: int) -> HttpResponse:
    """Set or clear a document's retention class, then go back to it."""
    actor = _retention_actor(request)
    form = RetentionForm(request.POST, retention_classes=selectors.retention_class_list())
    if not form.is_valid():
        messages.error(request, _("Unknown retention class."))
        return _back(request, document_id)
    try:
        retention.document_retention_set(
            actor=actor, document_id=document_id, retention_class=form.cleaned_data["retention_class"]
        )
        messages.success(request, _("The retention class was set."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return _back(request, document_id)
