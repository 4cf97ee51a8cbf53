"""Pages for related agreements: record that one amends, supersedes or implements another, or undo it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chancery.agreements import relations, selectors
from chancery.agreements.forms import RelationForm
from chancery.agreements.views import add_form_errors, render_detail
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


@login_required
@require_POST
def relation_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record a relation from the agreement page; errors name the field, nothing is saved."""
    actor = page_actor(request)
    others = selectors.agreement_list(actor=actor).exclude(pk=agreement_id)
    form = RelationForm(request.POST, others=others)
    if form.is_valid():
        try:
            relations.relation_add(
                actor=actor,
                agreement_id=agreement_id,
                target_id=form.cleaned_data["target"],
                kind=form.cleaned_data["kind"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:agreement_detail", agreement_id=agreement_id)
    return render_detail(request, agreement_id, relation_form=form)


@login_required
@require_POST
def relation_remove(request: HttpRequest, agreement_id: int, relation_id: int) -> HttpResponse:
    """Remove a relation recorded in error and go back to the agreement."""
    try:
        relations.relation_remove(actor=page_actor(request), relation_id=relation_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("agreements:agreement_detail", agreement_id=agreement_id)
