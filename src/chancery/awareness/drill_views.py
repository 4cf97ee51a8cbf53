"""Drill tracking pages, reached from the drill message without a session (the signed token is the key).

The landing page's inputs have no ``name``, so a browser never sends what is typed into them; the
submit view only records that the form was sent, and shows the teaching page.
"""

from __future__ import annotations

import base64
import contextlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chancery.awareness import drills
from chancery.platform.errors import NotFound

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_GET
def drill_open(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the tracking pixel (the same image whether or not the token is valid)."""
    with contextlib.suppress(NotFound):
        drills.drill_opened(token=token)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
@require_GET
def drill_click(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click (and enrol the recipient in the course), then show the landing page."""
    recipient = drills.drill_clicked(token=token)
    return render(request, "awareness/drill_landing.html", {"template": recipient.campaign.template, "token": token})


@never_cache
@require_POST
def drill_submit(request: HttpRequest, token: str) -> HttpResponse:
    """Record that the landing form was sent (its content is never read) and show the teaching page."""
    drills.drill_submitted(token=token)
    return redirect("awareness_drill:drill_learn", token)


@never_cache
@require_GET
def drill_learn(request: HttpRequest, token: str) -> HttpResponse:
    """The short teaching page for whoever clicked."""
    recipient = drills.drill_recipient(token=token)
    return render(request, "awareness/drill_learn.html", {"template": recipient.campaign.template})
