"""Pages of initiative trackers: the list, the define/edit form, and the tracker with its chart, tables and stories.

Views are thin: they parse the request, call one selector or service and render; domain errors become 404 pages
or form errors.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chancery.intelligence import charts, initiatives, initiatives_selectors
from chancery.intelligence.initiatives_chart import tone_interval_chart
from chancery.intelligence.initiatives_forms import InitiativeForm
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError
from chancery.platform.http import page_actor


def _reader(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "intelligence.view"):
        raise DjangoPermissionDenied
    return actor


def _definer(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "intelligence.define_initiative"):
        raise DjangoPermissionDenied
    return actor


def _form_errors(form: InitiativeForm, error: DomainError) -> None:
    for name, found in error.errors.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


@login_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    """List the initiatives, each linking to its tracker (and a link to define one for analysts)."""
    actor = _reader(request)
    context = {
        "initiatives": initiatives_selectors.initiative_list(actor=actor),
        "can_define": access.can(actor, "intelligence.define_initiative"),
    }
    return render(request, "intelligence/initiatives.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    """Define an initiative (administrators and analysts)."""
    actor = _definer(request)
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = initiatives.initiative_create(actor=actor, **form.values())
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Initiative saved."))
            return redirect("intelligence:initiative", initiative_id=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "intelligence/initiative_form.html", {"form": form, "initiative": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Change an initiative's definition (administrators and analysts)."""
    actor = _definer(request)
    initiative = initiatives_selectors.initiative_get(actor=actor, initiative_id=initiative_id)
    form = InitiativeForm(request.POST or None, initial=InitiativeForm.initial_of(initiative))
    if request.method == "POST" and form.is_valid():
        try:
            initiatives.initiative_update(actor=actor, initiative_id=initiative_id, **form.values())
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Initiative saved."))
            return redirect("intelligence:initiative", initiative_id=initiative_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "initiative": initiative}
    return render(request, "intelligence/initiative_form.html", context, status=status)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def initiative_tracker(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Render an initiative's volume and tone over time (SVG and tables), by language and country, and stories."""
    actor = _reader(request)
    bucket = request.GET.get("bucket", "week")
    bucket = bucket if bucket in initiatives_selectors.BUCKETS else "week"
    tracker = initiatives_selectors.initiative_tracker(
        actor=actor, initiative_id=initiative_id, bucket=bucket, stories_from=_day(request.GET.get("stories"))
    )
    starts = [b.start for b in tracker.buckets]
    per = _("per day") if bucket == "day" else _("per week")
    context = {
        "tracker": tracker,
        "initiative": tracker.initiative,
        "can_define": access.can(actor, "intelligence.define_initiative"),
        "can_send_for_review": access.can(actor, "risk.review"),
        "volume_chart": charts.bar_chart(
            title=_("Stories %(per)s about the initiative") % {"per": per},
            days=starts,
            values=[b.reading.n for b in tracker.buckets],
            chart_id="initiative-volume-title",
        ),
        "tone_chart": tone_interval_chart(
            title=_("Mean tone %(per)s with 95%% intervals (-1 negative, +1 positive)") % {"per": per},
            buckets=tracker.buckets,
            chart_id="initiative-tone-title",
        ),
        "table_buckets": [b for b in tracker.buckets if b.reading.n],
    }
    return render(request, "intelligence/initiative.html", context)
