"""Pages: inbox and search, outbox, compose and edit, the cable page and its actions.

Each view parses the request, calls one selector or service and renders; domain errors become 404 pages
or form and flash messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chancery.cables import selectors, services
from chancery.cables.forms import CableForm, initial_from
from chancery.platform import access
from chancery.platform.errors import DomainError, InvalidInput, NotFound
from chancery.platform.events.selectors import event_last_id
from chancery.platform.http import page_actor

PAGE_SIZE = 50


def _live(request: HttpRequest) -> dict[str, Any]:
    return {"live_last_event_id": event_last_id(actor=page_actor(request))}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Render the cables delivered to the user's unit, those awaiting its clearance, and search results."""
    actor = page_actor(request)
    if not access.can(actor, "cables.view"):
        raise DjangoPermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    context = {
        "page": Paginator(selectors.cable_list(actor=actor, box="inbox"), PAGE_SIZE).get_page(request.GET.get("page")),
        "awaiting_clearance": selectors.cable_list(actor=actor, box="clearance")[:PAGE_SIZE],
        "query": query,
        "results": selectors.cable_search(actor=actor, query=query) if query else None,
        "saved_searches": selectors.saved_search_list(actor=actor),
        "can_draft": access.can(actor, "cables.draft"),
        **_live(request),
    }
    return render(request, "cables/inbox.html", context)


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Render the cables from the user's unit: the user's drafts and everything submitted or sent."""
    actor = page_actor(request)
    if not access.can(actor, "cables.view"):
        raise DjangoPermissionDenied
    page = Paginator(selectors.cable_list(actor=actor, box="outbox"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_draft": access.can(actor, "cables.draft"), **_live(request)}
    return render(request, "cables/outbox.html", context)


def _form_errors(form: CableForm, error: DomainError) -> None:
    for name, found in error.errors.items():
        field = {
            "action_codes": "action",
            "info_codes": "info",
            "clearer_codes": "clearers",
            "reference_ids": "references",
            "compartment_codes": "compartments",
            "attachment_ids": "attachments",
        }.get(name, name)
        for message in found:
            form.add_error(field if field in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


def _compose(
    request: HttpRequest, *, save: Callable[[CableForm], Any], initial: dict[str, Any] | None, title: str
) -> HttpResponse:
    actor = page_actor(request)
    units = selectors.cable_unit_choices(actor=actor)
    form = CableForm(
        request.POST or None,
        initial=initial,
        clearance=actor.clearance,
        units=units,
        compartments=selectors.cable_compartment_choices(actor=actor),
    )
    if request.method == "POST" and "add_paragraph" not in request.POST and form.is_valid():
        try:
            cable = save(form)
        except (InvalidInput, DomainError) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("cables:detail", cable_id=cable.pk)
    status = 400 if request.method == "POST" and form.errors and "add_paragraph" not in request.POST else 200
    return render(request, "cables/form.html", {"form": form, "title": title}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """Show the compose form and create a draft from the user's unit on a valid submission."""
    actor = page_actor(request)
    if not access.can(actor, "cables.draft"):
        raise DjangoPermissionDenied
    return _compose(
        request,
        save=lambda form: services.cable_create(actor=actor, content=form.content()),
        initial=None,
        title=_("Draft a cable"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, cable_id: int) -> HttpResponse:
    """Show a draft (or returned cable) for editing and save the new content."""
    actor = page_actor(request)
    view = selectors.cable_view(actor=actor, cable_id=cable_id)
    if not view.may["edit"]:
        raise DjangoPermissionDenied
    return _compose(
        request,
        save=lambda form: services.cable_update(actor=actor, cable_id=cable_id, content=form.content()),
        initial=initial_from(view),
        title=_("Revise the cable"),
    )


@login_required
def detail(request: HttpRequest, cable_id: int) -> HttpResponse:
    """Render one cable with its markings, paragraphs, routing, proof of inclusion and allowed actions."""
    from chancery.meetings.selectors import meeting_start_offered

    actor = page_actor(request)
    view = services.cable_open(actor=actor, cable_id=cable_id)
    may_meet = meeting_start_offered(actor=actor)
    context = {"view": view, "cable": view.cable, "may_meet": may_meet, **_live(request)}
    return render(request, "cables/detail.html", context)


ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": services.cable_submit,
    "clear": services.cable_clear,
    "release": services.cable_release,
    "acknowledge": services.cable_acknowledge,
}
DONE = {
    "submit": gettext_lazy("Sent for clearance."),
    "clear": gettext_lazy("Cleared."),
    "release": gettext_lazy("Released and delivered."),
    "acknowledge": gettext_lazy("Acknowledged."),
    "return": gettext_lazy("Returned to the drafter."),
}


@login_required
@require_POST
def act(request: HttpRequest, cable_id: int, verb: str) -> HttpResponse:
    """Perform one action on a cable (submit, clear, return, release, acknowledge), then show the cable."""
    actor = page_actor(request)
    try:
        if verb == "return":
            services.cable_return(actor=actor, cable_id=cable_id, comment=request.POST.get("comment", ""))
        elif verb in ACTIONS:
            ACTIONS[verb](actor=actor, cable_id=cable_id)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        detail = "; ".join(m for found in error.errors.values() for m in found) or error.detail
        messages.error(request, detail)
    else:
        messages.success(request, DONE[verb])
    return redirect("cables:detail", cable_id=cable_id)


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the posted archive query; its owner is told live when a new matching cable arrives."""
    try:
        services.saved_search_create(actor=page_actor(request), query=request.POST.get("query", ""))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Search saved: you will be notified of new matching cables."))
    return redirect("cables:inbox")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, search_id: int) -> HttpResponse:
    """Delete one of the user's saved searches."""
    services.saved_search_delete(actor=page_actor(request), search_id=search_id)
    messages.success(request, _("Saved search deleted."))
    return redirect("cables:inbox")
