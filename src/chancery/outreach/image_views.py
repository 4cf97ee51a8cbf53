"""The image picker's thumbnails: small, metadata-free JPEGs of the unit's vault images for the draft page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from chancery.outreach.image_picker import vault_image_thumbnail
from chancery.platform import access
from chancery.platform.http import page_actor


@login_required
@require_GET
def image_thumbnail(request: HttpRequest, document_id: int) -> HttpResponse:
    """Serve a thumbnail of an Unclassified vault image to someone who drafts posts (404 if not allowed)."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.draft"):
        raise DjangoPermissionDenied
    data = vault_image_thumbnail(actor=actor, document_id=document_id)
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
