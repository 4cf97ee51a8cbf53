"""Awareness pages: report a suspicious message, list reports, triage one.

Views are thin: they parse, call one selector or service, and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chancery.awareness import drills, report_timing, selectors, services
from chancery.awareness.forms import CampaignForm, ReportForm, TemplateForm, TriageForm
from chancery.awareness.mailparse import MAX_BYTES
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor
from chancery.threatintel.selectors import collection_list


def _reporter(request: HttpRequest) -> Actor:
    actor = page_actor(request)
    if not access.can(actor, "awareness.report"):
        raise DjangoPermissionDenied
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    """Report a suspicious message; list one's own reports (every report for security officers)."""
    actor = _reporter(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["message"]
        if upload.size > MAX_BYTES:
            form.add_error("message", _("The message is larger than 5 MiB."))
        else:
            try:
                report = services.phishing_report_submit(actor=actor, data=upload.read())
            except DomainError as error:
                for found in error.errors.values():
                    for message in found:
                        form.add_error("message", message)
            else:
                messages.success(request, _("Thank you: the security team will look at this message."))
                return redirect("awareness:report_detail", report.pk)
    context = {
        "form": form,
        "reports": selectors.phishing_report_list(actor=actor)[:100],
        "triager": access.can(actor, "awareness.triage"),
    }
    return render(request, "awareness/report_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """Show a report's indicators; security officers confirm (sharing the indicators) or dismiss it."""
    actor = _reporter(request)
    report = selectors.phishing_report_get(actor=actor, report_id=report_id)
    triager = access.can(actor, "awareness.triage")
    form = TriageForm(request.POST or None)
    form.fields["collection"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (str(c.uuid), c.title) for c in collection_list(actor=actor)
    ]
    if request.method == "POST" and "seed_course" not in request.POST:
        if not triager:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.phishing_report_triage(
                    actor=actor,
                    report=report,
                    confirm=form.cleaned_data["decision"] == "confirm",
                    collection_id=form.cleaned_data["collection"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                messages.error(request, "; ".join(m for f in error.errors.values() for m in f) or error.detail)
            else:
                messages.success(request, _("Report triaged."))
                return redirect("awareness:report_detail", report.pk)
    if request.method == "POST" and request.POST.get("seed_course", "").isdigit():
        try:
            drills.drill_template_from_report(
                actor=actor, report_id=report.pk, course_id=int(request.POST["seed_course"])
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Drill template created from this report; review it before use."))
            return redirect("awareness:drill_list")
    context = {
        "report": report,
        "indicators": report.indicators.all(),
        "form": form if triager and report.status == "new" else None,
        "seed_courses": selectors.drill_overview(actor=actor)["courses"]
        if report.status == "confirmed" and access.can(actor, "awareness.drill_manage")
        else [],
    }
    return render(request, "awareness/report_detail.html", context)


def _drill_forms(actor: Actor, overview: dict[str, Any], data: Any = None) -> tuple[TemplateForm, CampaignForm]:
    from chancery.identity.enums import Role
    from chancery.missions.selectors import organisation_list

    template_form = TemplateForm(data if data and data.get("form") == "template" else None)
    template_form.fields["course"].choices = [(c.pk, f"{c.title_en} / {c.title_vi}") for c in overview["courses"]]  # type: ignore[attr-defined]
    campaign_form = CampaignForm(data if data and data.get("form") == "campaign" else None)
    campaign_form.fields["template"].choices = [(t.pk, t.name) for t in overview["templates"]]  # type: ignore[attr-defined]
    campaign_form.fields["target_roles"].choices = [c for c in Role.choices if c[0] != Role.PARTNER]  # type: ignore[attr-defined]
    campaign_form.fields["target_organisations"].choices = [  # type: ignore[attr-defined]
        (o.pk, o.code)
        for o in organisation_list(actor=actor)
        if o.kind not in {"partner_ministry", "international_organisation"}
    ]
    return template_form, campaign_form


@login_required
@require_http_methods(["GET", "POST"])
def drill_list(request: HttpRequest) -> HttpResponse:
    """Drills: results per unit (phish-prone percentage), new templates and scheduled campaigns."""
    actor = page_actor(request)
    if not access.can(actor, "awareness.drill_manage"):
        raise DjangoPermissionDenied
    overview = selectors.drill_overview(actor=actor)
    template_form, campaign_form = _drill_forms(actor, overview, request.POST if request.method == "POST" else None)
    try:
        if template_form.is_bound and template_form.is_valid():
            data = dict(template_form.cleaned_data)
            drills.drill_template_create(actor=actor, course_id=data.pop("course"), **data)
            messages.success(request, _("Template saved."))
            return redirect("awareness:drill_list")
        if campaign_form.is_bound and campaign_form.is_valid():
            data = dict(campaign_form.cleaned_data)
            template = next((t for t in overview["templates"] if t.pk == data.pop("template")), None)
            if template is None:
                raise NotFound
            drills.campaign_create(actor=actor, template=template, **data)
            messages.success(request, _("Drill scheduled."))
            return redirect("awareness:drill_list")
    except DomainError as error:
        messages.error(request, "; ".join(m for f in error.errors.values() for m in f) or error.detail)
    context = {
        **overview,
        "results": drills.drill_results(actor=actor),
        "report_times": report_timing.report_times_get(actor=actor),
        "template_form": template_form,
        "campaign_form": campaign_form,
    }
    return render(request, "awareness/drill_list.html", context)
