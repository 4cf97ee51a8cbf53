"""The vault's pages. Each view parses, calls one selector or service, and renders.

Domain errors become form messages (bad input), 404 (hidden or missing documents) or a page naming the
problem (integrity failures); CONFIDENTIAL downloads without a recent second factor go to the MFA check
and come back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chancery.missions import selectors as missions_selectors
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from chancery.platform.http import client_ip
from chancery.vault import search, selectors, services
from chancery.vault.errors import IntegrityFailure, RecentMfaRequired
from chancery.vault.forms import (
    CommentForm,
    CompareForm,
    HoldForm,
    RetentionForm,
    SearchForm,
    ShareForm,
    UploadForm,
    VersionForm,
)
from chancery.vault.http import download_response, mfa_verified_at, upload_of
from chancery.vault.redline import redline

PAGE_SIZE = 50
COMPARE_LIMIT = 2 * 1024 * 1024


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_user(request.user, client_ip=client_ip(request))


def _form_errors(form: object, error: DomainError) -> None:
    fields = getattr(form, "fields", {})
    for field, problems in error.errors.items():
        for problem in problems:
            form.add_error(field if field in fields else None, problem)  # type: ignore[attr-defined]
    if not error.errors:
        form.add_error(None, error.detail)  # type: ignore[attr-defined]


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """Render the documents the user may see, or the visible results of a search."""
    actor = _actor(request)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    queryset = (
        search.document_search_queryset(actor=actor, query=query) if query else selectors.document_list(actor=actor)
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page": page, "can_upload": access.can(actor, "vault.upload")}
    return render(request, "vault/document_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    """Show the upload form and store the document on a valid submission."""
    actor = _actor(request)
    if not access.can(actor, "vault.upload"):
        raise DjangoPermissionDenied
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        clearance=actor.clearance,
        compartments=missions_selectors.compartment_held_list(actor=actor),
        retention_classes=selectors.retention_class_list(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = services.DocumentFields(
            title_en=data["title_en"],
            title_vi=data["title_vi"],
            description_en=data["description_en"],
            description_vi=data["description_vi"],
            classification=data["classification"],
            tlp=data["tlp"],
            compartments=frozenset(data["compartments"]),
            tags=tuple(data["tags"].split(",")),
            countries=tuple(data["countries"].split(",")),
            language=data["language"],
            retention_class=data["retention_class"],
        )
        try:
            document = services.document_upload(actor=actor, fields=fields, upload=upload_of(data["file"]))
        except (InvalidInput, PermissionDenied) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The document was encrypted and stored."))
            return redirect("vault:document_detail", document_id=document.pk)
    return render(request, "vault/document_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """Render a document's metadata, versions, shares and comments (the read is audited)."""
    actor = _actor(request)
    document = services.document_open(actor=actor, document_id=document_id)
    return render(request, "vault/document_detail.html", _detail_context(actor, document))


def _detail_context(actor: Actor, document: object, **forms: object) -> dict[str, object]:
    can_share = access.can(actor, "vault.share", document)
    return {
        "document": document,
        "versions": selectors.version_list(actor=actor, document=document),  # type: ignore[arg-type]
        "shares": selectors.share_list(actor=actor, document=document),  # type: ignore[arg-type]
        "comments": selectors.comment_list(actor=actor, document=document),  # type: ignore[arg-type]
        "can_edit": access.can(actor, "vault.edit", document),
        "can_share": can_share,
        "can_download": access.can(actor, "vault.download", document),
        "version_form": forms.get("version_form") or VersionForm(),
        "share_form": forms.get("share_form")
        or (ShareForm(organisations=missions_selectors.organisation_list(actor=actor)) if can_share else None),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "compare_form": CompareForm(),
        **_retention_context(actor, document),
    }


def _retention_context(actor: Actor, document: Any) -> dict[str, object]:
    """The legal holds and retention forms, for those who manage retention (nothing for others)."""
    if not access.can(actor, "vault.retention"):
        return {"can_retain": False}
    retention_class = document.retention_class.code if document.retention_class else ""
    return {
        "can_retain": True,
        "holds": selectors.legal_hold_list(actor=actor, document=document),
        "hold_form": HoldForm(),
        "retention_form": RetentionForm(
            initial={"retention_class": retention_class}, retention_classes=selectors.retention_class_list()
        ),
    }


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """Stream a verified version; send CONFIDENTIAL downloads without a recent MFA check to the check."""
    actor = _actor(request)
    number = request.GET.get("version")
    try:
        download = services.document_download(
            actor=actor,
            document_id=document_id,
            number=int(number) if number and number.isdigit() else None,
            mfa_verified_at=mfa_verified_at(request),
            watermark=request.GET.get("watermark") == "1",
        )
    except RecentMfaRequired as error:
        messages.warning(request, error.detail)
        return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()}))
    except IntegrityFailure as error:
        return render(request, "vault/integrity_error.html", {"detail": error.detail}, status=500)
    except InvalidInput as error:
        messages.error(request, error.detail)
        return redirect("vault:document_detail", document_id=document_id)
    return download_response(download)


def _post_action(request: HttpRequest, document_id: int, action: str) -> HttpResponse:
    """Run one POST action on a document and come back to its page (errors as messages)."""
    actor = _actor(request)
    try:
        if action == "version":
            form = VersionForm(request.POST, request.FILES)
            if not form.is_valid():
                raise InvalidInput(_("Choose a file."))
            services.version_upload(actor=actor, document_id=document_id, upload=upload_of(form.cleaned_data["file"]))
            messages.success(request, _("The new version was encrypted and stored."))
        elif action == "share":
            share_form = ShareForm(request.POST, organisations=missions_selectors.organisation_list(actor=actor))
            if not share_form.is_valid():
                raise InvalidInput(_("Check the share's fields."))
            data = share_form.cleaned_data
            services.share_create(
                actor=actor,
                document_id=document_id,
                organisation_code=data["organisation"],
                username=data["username"].strip(),
                expires_at=data["expires_at"],
            )
            messages.success(request, _("The document was shared."))
        elif action == "comment":
            comment_form = CommentForm(request.POST)
            services.comment_add(
                actor=actor, document_id=document_id, body=comment_form.data.get("body", "") if comment_form else ""
            )
            messages.success(request, _("Your comment was added."))
    except NotFound:
        raise Http404 from None
    except (InvalidInput, PermissionDenied, DomainError) as error:
        messages.error(request, error.detail)
    return redirect("vault:document_detail", document_id=document_id)


@login_required
@require_POST
def version_upload(request: HttpRequest, document_id: int) -> HttpResponse:
    """Store a new version and return to the document."""
    return _post_action(request, document_id, "version")


@login_required
@require_POST
def share_create(request: HttpRequest, document_id: int) -> HttpResponse:
    """Share the document and return to it."""
    return _post_action(request, document_id, "share")


@login_required
@require_POST
def comment_add(request: HttpRequest, document_id: int) -> HttpResponse:
    """Add a comment and return to the document."""
    return _post_action(request, document_id, "comment")


@login_required
@require_POST
def share_revoke(request: HttpRequest, document_id: int, share_id: int) -> HttpResponse:
    """Revoke a share and return to the document."""
    try:
        services.share_revoke(actor=_actor(request), share_id=share_id)
        messages.success(request, _("The share was revoked."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("vault:document_detail", document_id=document_id)


@login_required
@require_POST
def version_restore(request: HttpRequest, document_id: int, number: int) -> HttpResponse:
    """Restore a version as the newest one and return to the document."""
    try:
        services.version_restore(actor=_actor(request), document_id=document_id, number=number)
        messages.success(request, _("The version was restored as the newest version."))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("vault:document_detail", document_id=document_id)


@login_required
@require_GET
def version_compare(request: HttpRequest, document_id: int) -> HttpResponse:
    """Render a word-level redline between two text versions."""
    actor = _actor(request)
    form = CompareForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two versions to compare."))
        return redirect("vault:document_detail", document_id=document_id)
    try:
        document = selectors.document_get(actor=actor, document_id=document_id)
        old = services.version_text(
            actor=actor, document_id=document_id, number=form.cleaned_data["old"], limit=COMPARE_LIMIT
        )
        new = services.version_text(
            actor=actor, document_id=document_id, number=form.cleaned_data["new"], limit=COMPARE_LIMIT
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("vault:document_detail", document_id=document_id)
    context = {
        "document": document,
        "old": form.cleaned_data["old"],
        "new": form.cleaned_data["new"],
        "segments": redline(old, new),
    }
    return render(request, "vault/version_compare.html", context)
