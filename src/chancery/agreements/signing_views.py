"""Pages for signed texts: sign a vault version as an authentic text; the verification page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.agreements import signing
from chancery.agreements.forms import SignTextForm, VerifyFileForm
from chancery.agreements.views import add_form_errors, render_detail
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor

MAX_COMPARE_BYTES = 50 * 1024 * 1024


@login_required
@require_POST
def text_sign(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Sign the chosen vault version's hash; errors are shown on the agreement page."""
    form = SignTextForm(request.POST)
    if form.is_valid():
        try:
            signed = signing.signed_text_sign(
                actor=page_actor(request),
                agreement_id=agreement_id,
                document_id=form.cleaned_data["document"],
                version_number=form.cleaned_data["version"],
                label=form.cleaned_data["label"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:text_verify", signed_text_id=signed.pk)
    return render_detail(request, agreement_id, sign_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def text_verify(request: HttpRequest, signed_text_id: int) -> HttpResponse:
    """Show who signed which text and check both signatures; optionally compare an uploaded file."""
    form = VerifyFileForm(request.POST or None, request.FILES or None)
    digest = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_COMPARE_BYTES:
            form.add_error("file", _("The file is larger than 50 MB."))
        else:
            digest = signing.file_digest(upload.read())
    verification = signing.signed_text_verify(
        actor=page_actor(request), signed_text_id=signed_text_id, file_sha256=digest
    )
    return render(
        request,
        "agreements/text_verify.html",
        {"verification": verification, "signed": verification.signed_text, "form": form, "digest": digest},
        status=400 if form.errors else 200,
    )
