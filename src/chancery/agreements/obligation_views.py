"""Pages for obligations: the deadlines dashboard (overdue and upcoming), reminders, iCalendar feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chancery.agreements import obligations, selectors
from chancery.agreements.calendar import obligations_calendar
from chancery.agreements.forms import ObligationForm
from chancery.agreements.month_grid import month_grid, month_parse
from chancery.agreements.views import add_form_errors, render_detail
from chancery.platform import access
from chancery.platform.errors import DomainError, NotFound, PermissionDenied
from chancery.platform.http import page_actor

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    """Render the month's deadlines calendar (``?month=YYYY-MM``), overdue and upcoming obligations, reminders."""
    actor = page_actor(request)
    if not access.can(actor, "agreements.view_obligation"):
        raise Http404
    today = timezone.localdate()
    open_obligations = list(selectors.obligation_list(actor=actor))
    context = {
        "today": today,
        "grid": month_grid(open_obligations, first=month_parse(request.GET.get("month", ""), today=today)),
        "overdue": [o for o in open_obligations if o.due_date < today],
        "upcoming": [o for o in open_obligations if o.due_date >= today],
        "reminders": selectors.reminder_list(actor=actor)[:20],
    }
    return render(request, "agreements/deadlines.html", context)


@login_required
@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Issue a new personal feed URL (replacing the old one) and show it once."""
    try:
        token = obligations.calendar_token_issue(actor=page_actor(request))
    except (NotFound, PermissionDenied):
        raise Http404 from None
    return render(request, "agreements/calendar_token.html", {"token": token})


def _feed_headers(response: HttpResponse) -> HttpResponse:
    """Keep the token-bearing address out of referrers, caches, search engines and Django's request log."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log: never log this path
    return response


def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the token's user's obligations as iCalendar; ``?agreement=<id>``: that agreement's, all visible.

    The token in the URL is the credential (calendar clients cannot send headers). It is a read-only,
    revocable capability for this calendar only: stored as a SHA-256 digest, it acts with the owner's
    clearance and the ``agreements:read`` scope. An unknown token is a plain 404 that Django does not log.
    """
    agreement = request.GET.get("agreement", "")
    try:
        actor = obligations.calendar_token_actor(token=token)
        if agreement:
            if not agreement.isdigit():
                raise NotFound
            items = list(selectors.obligation_list(actor=actor, agreement_id=int(agreement)))
        else:
            items = list(selectors.obligation_list(actor=actor, owner_id=actor.user_id))
    except NotFound:
        return _feed_headers(HttpResponseNotFound(b"", content_type="text/plain"))
    name = items[0].agreement.short_name if agreement and items else "Chancery"
    body = obligations_calendar(name=name, obligations=items)
    return _feed_headers(HttpResponse(body, content_type=CALENDAR_TYPE))


@login_required
@require_POST
def calendar_token_revoke(request: HttpRequest) -> HttpResponse:
    """Turn the personal feed off; its address stops working at once."""
    if obligations.calendar_token_revoke(actor=page_actor(request)):
        messages.success(request, _("Your calendar feed is off. Its address no longer works."))
    else:
        messages.info(request, _("You had no calendar feed."))
    return redirect("identity:security")


@login_required
def agreement_feed(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Serve one agreement's open obligations as iCalendar (for a signed-in calendar client)."""
    items = list(selectors.obligation_list(actor=page_actor(request), agreement_id=agreement_id))
    name = items[0].agreement.short_name if items else "Chancery"
    return HttpResponse(obligations_calendar(name=name, obligations=items), content_type=CALENDAR_TYPE)


@login_required
@require_POST
def obligation_create(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Record an obligation from the agreement page; errors name the field, nothing is saved."""
    form = ObligationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            obligations.obligation_create(
                actor=page_actor(request),
                agreement_id=agreement_id,
                title=data["title"],
                department_code=data["department"],
                owner_username=data["owner"],
                due_date=data["due_date"],
                recurrence=data["recurrence"],
                remind_days_before=data["remind_days_before"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return redirect("agreements:agreement_detail", agreement_id=agreement_id)
    return render_detail(request, agreement_id, obligation_form=form)


@login_required
@require_POST
def obligation_complete(request: HttpRequest, obligation_id: int) -> HttpResponse:
    """Mark an obligation met (a recurring one moves to its next due date) and go back to the deadlines."""
    try:
        obligations.obligation_complete(actor=page_actor(request), obligation_id=obligation_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect("agreements:deadlines")
