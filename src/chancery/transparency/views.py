"""Public, cacheable log endpoints (C2SP tlog-checkpoint and tlog-tiles) and the auditors' page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from chancery.platform.errors import NotFound, PermissionDenied
from chancery.platform.http import page_actor
from chancery.transparency import keys, selectors
from chancery.transparency.auditing import RecordProof, checkpoint_overview, record_proof
from chancery.transparency.forms import RecordLookupForm
from chancery.transparency.witnessing import cosigned_note
from chancery_tlog.tiles import MalformedTilePathError, parse_tile_path

TEXT = "text/plain; charset=utf-8"


@require_GET
@cache_control(public=True, max_age=5)
def checkpoint(request: HttpRequest) -> HttpResponse:
    """Serve the latest signed checkpoint note with its witnesses' cosignatures (404 before the first)."""
    latest = selectors.checkpoint_latest()
    if latest is None:
        raise Http404
    return HttpResponse(cosigned_note(latest), content_type=TEXT)


@require_GET
@cache_control(public=True, max_age=3600)
def vkey(request: HttpRequest) -> HttpResponse:
    """Serve the log's verifier keys, one vkey per line (Ed25519, then ML-DSA-44)."""
    return HttpResponse("".join(line + "\n" for line in keys.log_vkeys()), content_type=TEXT)


@require_GET
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a hash tile ``tile/<L>/<N>[.p/<W>]``; full tiles are immutable and cached for a year."""
    try:
        parsed = parse_tile_path("tile/" + path)
    except (MalformedTilePathError, ValueError):
        raise Http404 from None
    if parsed.is_entries:
        raise Http404  # entry bundles hold audit metadata; they are for authorised users, not the public
    body = selectors.tile_get(tile=parsed)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Cache-Control"] = "public, max-age=31536000, immutable" if not parsed.is_partial else "public, max-age=60"
    return response


@login_required
@require_GET
def auditors(request: HttpRequest) -> HttpResponse:
    """Show auditors the latest checkpoint and its witnesses, and look up a record's inclusion proof."""
    actor = page_actor(request)
    try:
        overview = checkpoint_overview(actor=actor)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    form = RecordLookupForm(request.GET or None)
    proof: RecordProof | None = None
    not_found = False
    if form.is_valid():
        try:
            proof = record_proof(actor=actor, **form.cleaned_data)
        except NotFound:
            not_found = True
    context = {"overview": overview, "form": form, "proof": proof, "not_found": not_found, "vkeys": keys.log_vkeys()}
    return render(request, "transparency/auditors.html", context)
