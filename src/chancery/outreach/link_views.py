"""Pages for outside approval links: issuing one (signed-in press office) and using one (no account).

The review page is public by design: the signed token in its URL is the outside approver's credential,
so the page is never cached and never sends its address on as a referrer.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.outreach import selectors, services
from chancery.outreach.models import ApprovalLink
from chancery.platform.errors import Conflict, DomainError, NotFound
from chancery.platform.http import page_actor

DAYS_MAX = 14


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def link_issue(request: HttpRequest, post_id: int) -> HttpResponse:
    """Issue an approval link for the post's current step and show it once (``approver_name``, ``days``)."""
    actor = page_actor(request)
    try:
        days = int(request.POST.get("days", "3"))
    except ValueError:
        days = 0
    try:
        post = selectors.post_get(actor=actor, post_id=post_id)
        issued = services.approval_link_issue(
            actor=actor,
            post_id=post_id,
            approver_name=request.POST.get("approver_name", ""),
            valid_for=timedelta(days=days) if 1 <= days <= DAYS_MAX else timedelta(0),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        detail = "; ".join(m for found in error.errors.values() for m in found) or error.detail
        return _private(render(request, "outreach/link_issued.html", {"error": detail, "post_id": post_id}, status=400))
    url = request.build_absolute_uri(reverse("outreach:review", args=[issued.token]))
    context = {"post": post, "link": issued.link, "url": url, "post_id": post_id}
    return _private(render(request, "outreach/link_issued.html", context))


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    """Show one post to an outside approver and record their approval or rejection (no account)."""
    actor = page_actor(request)
    link, void = selectors.approval_link_get(actor=actor, token=token)
    done: ApprovalLink | None = None
    status = 200
    if request.method == "POST" and not void:
        decision = request.POST.get("decision", "")
        if decision not in {"approve", "reject"}:
            void, status = _("Choose to approve or to reject."), 400
        else:
            try:
                done = services.approval_link_decide(actor=actor, token=token, approve=decision == "approve")
            except Conflict as error:
                void, status = error.detail, 409
    elif request.method == "POST":
        try:
            services.approval_link_decide(actor=actor, token=token, approve=False)
        except Conflict:
            status = 409  # void: refused and audited
    context = {"link": done or link, "post": link.post, "void": void, "done": done}
    return _private(render(request, "outreach/review.html", context, status=status))
