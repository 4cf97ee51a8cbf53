"""Pages: the organisations directory, organisation and mission pages, and post reports.

Each view parses the request, calls one selector or service and renders; domain errors become 404/403
pages or form messages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chancery.missions import selectors, services
from chancery.missions.forms import OrganisationFilterForm, ReportForm
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.platform.http import page_actor

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return page_actor(request)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Render the organisations directory the user may see, filtered by kind."""
    actor = _actor(request)
    form = OrganisationFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = Paginator(selectors.organisation_list(actor=actor, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "missions/organisation_list.html", {"form": form, "page": page, "kind": kind})


@login_required
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Render one organisation (a mission's page for missions): facts, units under it, recent reports."""
    actor = _actor(request)
    profile = selectors.organisation_profile(actor=actor, code=code)
    organisation = profile.organisation
    context = {
        "organisation": organisation,
        "member_count": profile.member_count,
        "children": profile.children,
        "reports": selectors.report_list(actor=actor, mission=organisation)[:10] if organisation.is_mission else [],
        "can_create_report": organisation.pk == actor.organisation_id and access.can(actor, "missions.create_report"),
    }
    return render(request, "missions/organisation_detail.html", context)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Render the post reports the user may read (titles and markings only), newest first."""
    actor = _actor(request)
    page = Paginator(selectors.report_list(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_create_report": access.can(actor, "missions.create_report")}
    return render(request, "missions/report_list.html", context)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """Render one post report; hidden and missing reports both answer 404. The reading is audited."""
    report = services.report_open(actor=_actor(request), report_id=report_id)
    return render(request, "missions/report_detail.html", {"report": report})


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    """Show the new-report form and create the report for the user's mission on a valid submission."""
    actor = _actor(request)
    if not access.can(actor, "missions.create_report"):
        raise DjangoPermissionDenied
    form = ReportForm(
        request.POST or None,
        clearance=actor.clearance,
        compartments=selectors.compartment_held_list(actor=actor),
        partners=selectors.partner_organisation_list(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_create(
                actor=actor,
                title_en=data["title_en"],
                title_vi=data["title_vi"],
                body=data["body"],
                classification=data["classification"],
                compartment_codes=data["compartments"],
                tlp=data["tlp"],
                shared_with_codes=data["shared_with"],
            )
        except InvalidInput as error:
            for field, messages in error.errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.detail)
        except PermissionDenied as error:
            form.add_error(None, error.detail)
        else:
            return redirect("missions:report_detail", report_id=report.pk)
    return render(request, "missions/report_form.html", {"form": form}, status=400 if form.errors else 200)
