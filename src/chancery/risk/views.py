"""Risk pages (mounted at ``/risk/``): world view, country page, review queue, scenario, event log, register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chancery.platform import access
from chancery.platform.errors import DomainError, InvalidInput, NotFound
from chancery.platform.http import page_actor
from chancery.risk import selectors, services
from chancery.risk.engine import DEMO_DATA
from chancery.risk.forms import ReviewForm, ScenarioForm, UseCaseForm
from chancery.risk.models import Kind
from chancery.risk.tiles import TILE, tile_position
from chancery_analytics.forecast.data import DataError
from chancery_analytics.forecast.scenario import OUTSIDE, scenario_run

COLOURS = {"low": "#d9f0d3", "elevated": "#fee08b", "high": "#fc8d59", "very_high": "#b2182b"}


@login_required
def world(request: HttpRequest) -> HttpResponse:
    """The leadership view: reviewed assessments of every kind only, with the conflict map as SVG and a table."""
    actor = page_actor(request)
    view = selectors.leadership_view(actor=actor)
    spare = [0]
    tiles = []
    for row in view.conflict:
        x, y = tile_position(row.country_iso3, spare)
        tiles.append({"row": row, "x": x, "y": y, "colour": COLOURS[row.level]})
    context = {
        "rows": view.conflict,
        "view": view,
        "tiles": tiles,
        "tile": TILE - 2,
        "width": 28 * TILE,
        "height": (17 + spare[0] // 27) * TILE,
        "colours": COLOURS,
        "can_review": access.can(actor, "risk.review"),
    }
    return render(request, "risk/world.html", context)


@login_required
def country(request: HttpRequest, code: str) -> HttpResponse:
    """A country's reviewed risks: forecast path, drivers with their evidence, history, stories, agreements, trade."""
    actor = page_actor(request)
    try:
        risk = selectors.country_risk(actor=actor, code=code)
    except (InvalidInput, NotFound):
        raise Http404 from None
    agreements = []
    if access.can(actor, "agreements.view"):
        from chancery.agreements.selectors import country_agreement_list

        try:
            agreements = list(country_agreement_list(actor=actor, country=risk.iso3)[1])
        except InvalidInput:
            agreements = []
    language = get_language() or "en"
    context = {
        "risk": risk,
        "drivers": risk.reviewed.driver_evidence(language) if risk.reviewed else [],
        "crisis_drivers": risk.crisis.driver_evidence(language) if risk.crisis else [],
        "trade_drivers": risk.trade.driver_evidence(language) if risk.trade else [],
        "baselines": selectors.baseline_verdict(risk.reviewed.model_name) if risk.reviewed else "",
        "agreements": agreements,
        "can_read_stories": access.can(actor, "intelligence.view"),
    }
    return render(request, "risk/country.html", context)


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Marked changes of reviewed figures (raised by reviews; drafts never raise one)."""
    actor = page_actor(request)
    context = {"alerts": selectors.alert_list(actor=actor)[:200], "can_review": access.can(actor, "risk.review")}
    return render(request, "risk/alerts.html", context)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: drafts awaiting an analyst's decision."""
    actor = page_actor(request)
    kind = request.GET.get("kind", "")
    try:
        drafts = selectors.draft_list(actor=actor, kind=kind)
    except InvalidInput:
        raise Http404 from None
    counts = selectors.draft_counts(actor=actor)
    context = {
        "drafts": drafts[:300],
        "count": drafts.count(),
        "kinds": [(value, label, counts.get(value, 0)) for value, label in Kind.choices],
        "kind": kind,
        "can_run": access.can(actor, "risk.run"),
    }
    return render(request, "risk/queue.html", context)


@login_required
def review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Show one draft with its drivers and take the analyst's decision."""
    actor = page_actor(request)
    assessment = selectors.draft_get(actor=actor, assessment_id=assessment_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_review(
                actor=actor,
                assessment_id=assessment.pk,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"] or "",
                adjusted_probability=form.cleaned_data["adjusted_probability"],
                adjusted_value=form.cleaned_data["adjusted_value"],
            )
        except DomainError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.detail)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("risk:queue")
    language = get_language() or "en"
    context = {
        "assessment": assessment,
        "form": form,
        "drivers": assessment.driver_evidence(language),
        "baselines": selectors.baseline_verdict(assessment.model_name),
    }
    return render(request, "risk/review.html", context)


@login_required
def scenario(request: HttpRequest) -> HttpResponse:
    """The trade scenario tool; a shock outside the data's range is flagged plainly."""
    actor = page_actor(request)
    access.require(actor, "risk.review")
    form = ScenarioForm(request.GET or None, agreements=selectors.scenario_agreement_options(actor=actor))
    result = None
    if request.GET and form.is_valid():
        partner = form.cleaned_data["partner"].strip()
        try:
            choice = selectors.scenario_agreement_choice(
                actor=actor, key=form.cleaned_data["agreement"] or "", partner=partner
            )
            result = scenario_run(
                DEMO_DATA,
                partner=partner,
                currency_change_pct=form.cleaned_data["currency"],
                commodity=form.cleaned_data["commodity"],
                commodity_change_pct=form.cleaned_data["commodity_change"],
                agreement_choice=choice,
            )
        except InvalidInput as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        except (DataError, ValueError) as error:
            form.add_error(None, str(error))
    language = get_language() or "en"
    context = {
        "form": form,
        "result": result,
        "notes": result.notes_in(language) if result else [],
        "warnings": result.warnings_in(language) if result else [],
        "outside": OUTSIDE,
        "partners": selectors.trade_partner_names(),
    }
    return render(request, "risk/scenario.html", context)


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """The AI event log: every model run and every review."""
    log = selectors.event_list(actor=page_actor(request))
    return render(request, "risk/events.html", {"events": log[:200]})


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The AI use-case register."""
    actor = page_actor(request)
    context = {"entries": selectors.usecase_list(actor=actor), "can_edit": access.can(actor, "risk.register")}
    return render(request, "risk/register.html", context)


@login_required
def register_edit(request: HttpRequest, model_name: str) -> HttpResponse:
    """Edit one use-case register entry (administrators)."""
    actor = page_actor(request)
    access.require(actor, "risk.register")
    entry = selectors.usecase_list(actor=actor).filter(model_name=model_name).first()
    if entry is None:
        raise Http404
    initial = {
        "purpose": entry.purpose,
        "owner": entry.owner,
        "risk_tier": entry.risk_tier,
        "impact_assessment": entry.impact_assessment,
    }
    form = UseCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.usecase_update(actor=actor, model_name=model_name, **form.cleaned_data)
        except DomainError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Register entry saved."))
            return redirect("risk:register")
    return render(request, "risk/register_edit.html", {"entry": entry, "form": form})


@login_required
def register_csv(request: HttpRequest) -> HttpResponse:
    """The use-case register as a CSV report."""
    text = selectors.usecase_csv(actor=page_actor(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ai-use-case-register.csv"'
    return response


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Run the models now (administrators): conflict, crisis and trade drafts, then initiative readings."""
    actor = page_actor(request)
    try:
        services.forecast_run_all(actor=actor)
    except InvalidInput as error:
        messages.error(request, error.detail)
        return redirect("risk:queue")
    services.sentiment_draft_all(actor=actor)
    messages.success(request, _("Forecasts refreshed; new drafts await review."))
    return redirect("risk:queue")


@login_required
@require_POST
def sentiment_draft(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Send an initiative's current sentiment reading to the review queue as a draft (analysts)."""
    try:
        assessment = services.sentiment_draft(actor=page_actor(request), initiative_id=initiative_id)
    except InvalidInput as error:
        messages.error(request, error.detail)
        return redirect("intelligence:initiative", initiative_id=initiative_id)
    messages.success(request, _("The reading awaits an analyst's review."))
    return redirect("risk:review", assessment_id=assessment.pk)
