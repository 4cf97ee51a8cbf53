"""The security alerts pages: the list, one alert with what triggered it, acknowledge and close with a note."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor
from chancery.resilience.monitoring import selectors, services
from chancery.resilience.monitoring.enums import AlertStatus
from chancery.resilience.monitoring.explain import alert_explanation

PAGE_SIZE = 100


class CloseForm(forms.Form):
    """The note an alert is closed with."""

    note = forms.CharField(
        label=gettext_lazy("Closing note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _officer(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "monitoring.view"):
        raise DjangoPermissionDenied
    return actor


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """List alerts, newest first, each with its explanation; ``?status=open`` narrows the list."""
    actor = _officer(request)
    status = request.GET.get("status", "")
    if status not in AlertStatus.values:
        status = ""
    alerts = list(selectors.alert_list(actor=actor, status=status)[:PAGE_SIZE])
    rows = [{"alert": alert, "explanation": alert_explanation(alert)} for alert in alerts]
    return render(request, "monitoring/alerts.html", {"rows": rows, "status": status, "statuses": AlertStatus.choices})


@login_required
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Show an alert: the explanation, its figures and the audit events behind it."""
    actor = _officer(request)
    alert = selectors.alert_get(actor=actor, alert_id=alert_id)
    context = {
        "alert": alert,
        "explanation": alert_explanation(alert),
        "events": selectors.alert_events(actor=actor, alert=alert),
        "form": CloseForm(),
        "may_handle": access.can(actor, "monitoring.manage"),
    }
    return render(request, "monitoring/alert.html", context)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge the alert, then show it again."""
    actor = _officer(request)
    try:
        services.alert_acknowledge(actor=actor, alert_id=alert_id)
        messages.success(request, _("The alert was acknowledged."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("monitoring:alert_detail", alert_id=alert_id)


@login_required
@require_POST
def alert_close(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Close the alert with the note from the form, then show it again."""
    actor = _officer(request)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a note of 1 to 2000 characters saying what was found or done."))
        return redirect("monitoring:alert_detail", alert_id=alert_id)
    try:
        services.alert_close(actor=actor, alert_id=alert_id, note=form.cleaned_data["note"])
        messages.success(request, _("The alert was closed."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("monitoring:alert_detail", alert_id=alert_id)
