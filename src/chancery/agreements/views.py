"""Pages: the agreements list with filters, the pipeline board, an agreement, a country, CSV export.

Each view parses the request, calls one selector or service and renders; domain errors become 404
pages or form messages naming the field.
"""

from __future__ import annotations

import csv
from io import StringIO
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from chancery.agreements import relations, selectors, services
from chancery.agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    EventForm,
    ObligationForm,
    PartyForm,
    RelationForm,
    SignTextForm,
)
from chancery.agreements.selectors import AgreementFilters
from chancery.missions.countries import country_name
from chancery.platform import access
from chancery.platform.errors import DomainError, InvalidInput, NotFound
from chancery.platform.http import page_actor

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[AgreementFilterForm, AgreementFilters]:
    form = AgreementFilterForm(request.GET or None)
    if not form.is_valid():
        return form, AgreementFilters()
    data = form.cleaned_data
    return form, AgreementFilters(q=data["q"], status=data["status"], kind=data["kind"], country=data["country"])


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def add_form_errors(form: forms.Form, error: DomainError) -> None:
    """Put a domain error on ``form``: on the fields it names, or on the form as a whole."""
    if isinstance(error, InvalidInput) and error.errors:
        for field, messages in error.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.detail)


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Render the agreements the user may see, searched and filtered; a bad filter is a form error."""
    actor = page_actor(request)
    form, filters = _filters(request)
    try:
        agreements = selectors.agreement_list(actor=actor, filters=filters)
    except InvalidInput as error:
        add_form_errors(form, error)
        agreements = selectors.agreement_list(actor=actor)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _filter_query(request) if form.is_valid() and not form.errors else "",
        "can_create": access.can(actor, "agreements.create"),
    }
    return render(request, "agreements/agreement_list.html", context, status=400 if form.errors else 200)


@login_required
def agreement_board(request: HttpRequest) -> HttpResponse:
    """Render the pipeline board: one column per stage, with the agreements the user may see."""
    columns = selectors.agreement_pipeline(actor=page_actor(request))
    return render(request, "agreements/agreement_board.html", {"columns": columns})


@login_required
def agreement_export(request: HttpRequest) -> HttpResponse:
    """Download the filtered list as CSV (formula-safe cells); the export is audited."""
    _form, filters = _filters(request)
    try:
        rows = services.agreement_export(actor=page_actor(request), filters=filters)
    except InvalidInput as error:
        return HttpResponse(error.detail, status=400, content_type="text/plain; charset=utf-8")
    buffer = StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="agreements-{stamp}.csv"'
    return response


def render_detail(request: HttpRequest, agreement_id: int, **forms_: Any) -> HttpResponse:
    """Render the agreement page with its forms (those given carry a failed submission: status 400)."""
    actor = page_actor(request)
    profile = selectors.agreement_profile(actor=actor, agreement_id=agreement_id)
    can_manage = access.can(actor, "agreements.manage", profile.agreement)
    others = selectors.agreement_list(actor=actor).exclude(pk=agreement_id) if can_manage else []
    context = {
        "profile": profile,
        "agreement": profile.agreement,
        "can_manage": can_manage,
        "party_form": forms_.get("party_form") or PartyForm(),
        "event_form": forms_.get("event_form") or EventForm(parties=[p.party for p in profile.parties]),
        "sign_form": forms_.get("sign_form") or SignTextForm(),
        "obligation_form": forms_.get("obligation_form") or ObligationForm(),
        "relation_form": forms_.get("relation_form") or RelationForm(others=others),
        "relations": relations.relation_list(actor=actor, agreement_id=agreement_id),
        "signed_texts": selectors.signed_text_list(actor=actor, agreement_id=agreement_id),
        "obligations": selectors.obligation_list(actor=actor, agreement_id=agreement_id)
        if access.can(actor, "agreements.view_obligation")
        else [],
    }
    failed = any(form.errors for form in forms_.values())
    return render(request, "agreements/agreement_detail.html", context, status=400 if failed else 200)


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Render an agreement: facts, derived status, parties with dates and sources, the timeline."""
    return render_detail(request, agreement_id)


@login_required
@require_POST
def party_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Add a party from the agreement page; errors are shown on the form, nothing is saved."""
    form = PartyForm(request.POST)
    if form.is_valid():
        try:
            services.party_add(
                actor=page_actor(request),
                agreement_id=agreement_id,
                country_code=form.cleaned_data["country_code"],
                organisation_code=form.cleaned_data["organisation_code"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:agreement_detail", agreement_id=agreement_id)
    return render_detail(request, agreement_id, party_form=form)


@login_required
@require_POST
def event_record(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record a dated event from the agreement page; guard failures are shown on the form."""
    actor = page_actor(request)
    profile = selectors.agreement_profile(actor=actor, agreement_id=agreement_id)
    form = EventForm(request.POST, parties=[p.party for p in profile.parties])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.event_record(
                actor=actor,
                agreement_id=agreement_id,
                kind=data["kind"],
                on=data["date"],
                date_precision=data["date_precision"],
                source=data["source"],
                party_id=data["party"],
                notice_number=data["notice_number"],
                note=data["note"],
            )
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:agreement_detail", agreement_id=agreement_id)
    return render_detail(request, agreement_id, event_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    """Show the new-agreement form and register the agreement on a valid submission."""
    actor = page_actor(request)
    if not access.can(actor, "agreements.create"):
        raise DjangoPermissionDenied
    form = AgreementForm(request.POST or None, clearance=actor.clearance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(
                actor=actor,
                short_name=data["short_name"],
                title_en=data["title_en"],
                title_vi=data["title_vi"],
                kind=data["kind"],
                scope=data["scope"],
                subject_areas=data["subject_areas"].split(","),
                lead_department_code=data["lead_department"],
                depositary=data["depositary"],
                un_registration_number=data["un_registration_number"],
                classification=data["classification"],
            )
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Render every agreement the user may see with one country (ISO 3166-1 alpha-2 or alpha-3)."""
    try:
        alpha_2, agreements = selectors.country_agreement_list(actor=page_actor(request), country=code)
    except InvalidInput:
        raise Http404 from None
    context = {"code": alpha_2, "name": country_name(alpha_2), "agreements": agreements}
    return render(request, "agreements/country_detail.html", context)
