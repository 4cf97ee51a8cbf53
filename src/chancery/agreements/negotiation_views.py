"""Pages for a negotiation: rounds, drafts and the redline between them, positions, comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from chancery.agreements import negotiation
from chancery.agreements.forms import CommentForm, DraftForm, MinutesForm, PositionForm, RedlineForm, RoundForm
from chancery.agreements.views import add_form_errors
from chancery.platform import access
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


def _render(request: HttpRequest, agreement_id: int, **bound: forms.Form) -> HttpResponse:
    actor = page_actor(request)
    state = negotiation.negotiation_get(actor=actor, agreement_id=agreement_id)
    context: dict[str, Any] = {
        "n": state,
        "agreement": state.agreement,
        "can_manage": access.can(actor, "agreements.manage", state.agreement),
        "round_form": bound.get("round_form") or RoundForm(),
        "draft_form": bound.get("draft_form") or DraftForm(rounds=state.rounds),
        "minutes_form": bound.get("minutes_form") or MinutesForm(rounds=state.rounds),
        "position_form": bound.get("position_form") or PositionForm(clearance=actor.clearance),
        "comment_form": bound.get("comment_form") or CommentForm(),
    }
    status = 400 if any(form.errors for form in bound.values()) else 200
    return render(request, "agreements/negotiation.html", context, status=status)


@login_required
def negotiation_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Render the negotiation: rounds, drafts, positions (internal), comments (partners: their own)."""
    return _render(request, agreement_id)


def _submit(request: HttpRequest, agreement_id: int, name: str, form: forms.Form, call: Any) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:negotiation", agreement_id=agreement_id)
    return _render(request, agreement_id, **{name: form})


@login_required
@require_POST
def round_create(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record the next round; errors name the field."""
    actor = page_actor(request)
    return _submit(
        request,
        agreement_id,
        "round_form",
        RoundForm(request.POST),
        lambda data: negotiation.round_create(actor=actor, agreement_id=agreement_id, **data),
    )


@login_required
@require_POST
def draft_attach(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Attach a vault version as a draft tabled at a round."""
    actor = page_actor(request)
    rounds = negotiation.negotiation_get(actor=actor, agreement_id=agreement_id).rounds
    return _submit(
        request,
        agreement_id,
        "draft_form",
        DraftForm(request.POST, rounds=rounds),
        lambda data: negotiation.round_draft_attach(
            actor=actor,
            round_id=data["round"],
            document_id=data["document"],
            version_number=data["version"],
            label=data["label"],
        ),
    )


@login_required
@require_POST
def round_minutes(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record a round's minutes (a vault document, a text, or both; internal only)."""
    actor = page_actor(request)
    rounds = negotiation.negotiation_get(actor=actor, agreement_id=agreement_id).rounds
    return _submit(
        request,
        agreement_id,
        "minutes_form",
        MinutesForm(request.POST, rounds=rounds),
        lambda data: negotiation.round_minutes_record(
            actor=actor, round_id=data["round"], document_id=data["document"], text=data["text"]
        ),
    )


@login_required
@require_POST
def position_create(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record an internal position on a negotiating issue."""
    actor = page_actor(request)
    return _submit(
        request,
        agreement_id,
        "position_form",
        PositionForm(request.POST, clearance=actor.clearance),
        lambda data: negotiation.position_create(actor=actor, agreement_id=agreement_id, **data),
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Add a comment (a partner's stays on the partner side)."""
    actor = page_actor(request)
    return _submit(
        request,
        agreement_id,
        "comment_form",
        CommentForm(request.POST),
        lambda data: negotiation.comment_add(actor=actor, agreement_id=agreement_id, body=data["body"]),
    )


@login_required
@require_GET
def draft_redline(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Render the word-level redline between two drafts (``?old=<draft>&new=<draft>``)."""
    form = RedlineForm(request.GET)
    if not form.is_valid():
        return _render(request, agreement_id)
    try:
        old, new, segments = negotiation.draft_redline(
            actor=page_actor(request), old_draft_id=form.cleaned_data["old"], new_draft_id=form.cleaned_data["new"]
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return render(
            request, "agreements/redline.html", {"error": error.detail, "agreement_id": agreement_id}, status=400
        )
    context = {"old": old, "new": new, "segments": segments, "agreement_id": agreement_id}
    return render(request, "agreements/redline.html", context)
