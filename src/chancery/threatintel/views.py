"""Threat-intelligence pages: collections, their objects and members, bundle import/export, partner feeds.

Views are thin: they parse, call one selector or service, and render.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.missions.selectors import partner_organisation_list
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError
from chancery.platform.http import page_actor
from chancery.threatintel import feeds, selectors, services
from chancery.threatintel.forms import CollectionForm, FeedForm, ImportForm, MemberForm
from chancery.threatintel.models import Collection

RECENT = 50


def _actor(request: HttpRequest, action: str = "threatintel.view") -> Actor:
    actor = page_actor(request)
    if not access.can(actor, action):
        raise DjangoPermissionDenied
    return actor


def _collection(actor: Actor, collection_id: str) -> Collection:
    return selectors.collection_get(actor=actor, collection_id=collection_id)


def _form_errors(form: forms.Form, error: DomainError) -> None:
    for name, found in error.errors.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


def _partner_choices(actor: Actor) -> list[tuple[int, str]]:
    return [(o.pk, f"{o.code} — {o.name_en}") for o in partner_organisation_list(actor=actor)]


@login_required
@require_http_methods(["GET", "POST"])
def collection_list(request: HttpRequest) -> HttpResponse:
    """List the collections; managers create new ones here."""
    actor = _actor(request)
    form = CollectionForm(request.POST or None)
    if request.method == "POST":
        _actor(request, "threatintel.manage")
        if form.is_valid():
            try:
                created = services.collection_create(actor=actor, **form.cleaned_data)
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Collection created."))
                return redirect("threatintel:collection_detail", created.uuid)
    context = {
        "collections": selectors.collection_list(actor=actor),
        "form": form if access.can(actor, "threatintel.manage") else None,
    }
    return render(request, "threatintel/collection_list.html", context)


@login_required
def collection_detail(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Show a collection: its members, counts by type and the latest objects with their provenance."""
    actor = _actor(request)
    found = _collection(actor, collection_id)
    page = selectors.object_page(
        actor=actor, collection=found, filters=selectors.ObjectFilter(limit=RECENT, versions=("last",))
    )
    manager = access.can(actor, "threatintel.manage")
    member_form = MemberForm()
    member_form.fields["organisation"].choices = _partner_choices(actor)  # type: ignore[attr-defined]
    context = {
        "collection": found,
        "counts": sorted(selectors.object_counts(actor=actor, collection=found).items()),
        "objects": page.objects,
        "memberships": found.memberships.select_related("organisation") if manager else [],
        "member_form": member_form if manager else None,
        "import_form": ImportForm() if manager else None,
    }
    return render(request, "threatintel/collection_detail.html", context)


@login_required
@require_POST
def member_set(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Set a partner organisation's access to a collection (both boxes cleared removes it)."""
    actor = _actor(request, "threatintel.manage")
    found = _collection(actor, collection_id)
    form = MemberForm(request.POST)
    form.fields["organisation"].choices = _partner_choices(actor)  # type: ignore[attr-defined]
    if form.is_valid():
        try:
            services.collection_member_set(
                actor=actor,
                collection=found,
                organisation_id=form.cleaned_data["organisation"],
                can_read=form.cleaned_data["can_read"],
                can_write=form.cleaned_data["can_write"],
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Membership saved."))
    else:
        messages.error(request, _("Choose a partner organisation."))
    return redirect("threatintel:collection_detail", found.uuid)


@login_required
@require_POST
def bundle_import(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Import an uploaded STIX 2.1 bundle; say how many objects were added, already there, refused."""
    actor = _actor(request, "threatintel.manage")
    found = _collection(actor, collection_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a bundle file."))
        return redirect("threatintel:collection_detail", found.uuid)
    upload = form.cleaned_data["bundle"]
    if upload.size > services.MAX_BUNDLE_BYTES:
        messages.error(request, _("The bundle is too large."))
        return redirect("threatintel:collection_detail", found.uuid)
    try:
        result = services.bundle_import(actor=actor, collection=found, data=upload.read(), filename=upload.name[:200])
    except DomainError as error:
        messages.error(request, "; ".join(m for f in error.errors.values() for m in f) or error.detail)
    else:
        messages.success(
            request,
            _("%(added)d added, %(duplicates)d already present, %(failures)d refused.")
            % {"added": len(result.added), "duplicates": len(result.duplicates), "failures": len(result.failures)},
        )
    return redirect("threatintel:collection_detail", found.uuid)


@login_required
def bundle_export(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Download the collection's latest objects as a STIX 2.1 bundle."""
    actor = _actor(request)
    found = _collection(actor, collection_id)
    bundle = selectors.bundle_export(actor=actor, collection=found)
    response = HttpResponse(json.dumps(bundle, indent=1), content_type="application/stix+json;version=2.1")
    response["Content-Disposition"] = f'attachment; filename="collection-{found.uuid}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_list(request: HttpRequest) -> HttpResponse:
    """List the partner feeds Chancery pulls over TAXII 2.1 and add one (managers only)."""
    actor = _actor(request, "threatintel.manage")
    form = FeedForm(request.POST or None)
    form.fields["partner"].choices = _partner_choices(actor)  # type: ignore[attr-defined]
    form.fields["target"].choices = [(c.pk, c.title) for c in selectors.collection_list(actor=actor)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = selectors.collection_list(actor=actor).filter(pk=data["target"]).first()
        if target is None:
            form.add_error("target", _("Choose a collection."))
        else:
            try:
                feeds.feed_create(
                    actor=actor,
                    name=data["name"],
                    collection_url=data["collection_url"],
                    token=data["token"],
                    partner_id=data["partner"],
                    target=target,
                )
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Feed saved; it is pulled every 15 minutes."))
                return redirect("threatintel:feed_list")
    return render(request, "threatintel/feed_list.html", {"feeds": selectors.feed_list(actor=actor), "form": form})


@login_required
@require_POST
def feed_pull(request: HttpRequest, feed_id: int) -> HttpResponse:
    """Pull one partner feed now."""
    actor = _actor(request, "threatintel.manage")
    feed = selectors.feed_list(actor=actor).filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    added = feeds.feed_pull(actor=actor, feed=feed)
    if feed.last_error:
        messages.error(request, _("The partner's server could not be read (%(error)s).") % {"error": feed.last_error})
    else:
        messages.success(request, _("%(added)d new objects pulled.") % {"added": added})
    return redirect("threatintel:feed_list")
