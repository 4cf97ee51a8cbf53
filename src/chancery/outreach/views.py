"""Pages: the calendar by week, the approval queue, the draft form with previews, and the post page.

Each view parses the request, calls one selector or service and renders; domain errors become 404 pages
or form and flash messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chancery.outreach import selectors, services
from chancery.outreach.content import post_content
from chancery.outreach.content_preview import post_content_preview
from chancery.outreach.forms import PostForm, initial_from
from chancery.outreach.image_picker import vault_image_list
from chancery.outreach.models import Post
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


def _week_start(raw: str) -> date:
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Render the posts scheduled in one week (Monday to Sunday), day by day, with links to the weeks around."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.view"):
        raise DjangoPermissionDenied
    monday = _week_start(request.GET.get("week", ""))
    start = timezone.make_aware(datetime.combine(monday, time.min))
    campaign_id = _campaign_filter(request.GET.get("campaign", ""))
    found = selectors.calendar_week(actor=actor, week_start=start).select_related("campaign")
    posts = list(found.filter(campaign_id=campaign_id) if campaign_id else found)
    days = [
        (
            monday + timedelta(days=i),
            [p for p in posts if timezone.localdate(p.scheduled_for) == monday + timedelta(days=i)],
        )
        for i in range(7)
    ]
    context = {
        "days": days,
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "can_draft": access.can(actor, "outreach.draft"),
        "campaigns": selectors.campaign_list(actor=actor),
        "campaign_id": campaign_id,
        "keep": [("week", monday.isoformat())],
    }
    return render(request, "outreach/calendar.html", context)


def _campaign_filter(raw: str) -> int | None:
    """Return the ``?campaign=`` filter of the calendar views (None when absent or not a number)."""
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _month_start(raw: str) -> date:
    try:
        day = date.fromisoformat(f"{raw}-01") if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day.replace(day=1)


@login_required
def calendar_month(request: HttpRequest) -> HttpResponse:
    """Render one month (``?month=YYYY-MM``) as weeks of days, Monday first, with the posts of each day."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.view"):
        raise DjangoPermissionDenied
    first = _month_start(request.GET.get("month", ""))
    following = (first + timedelta(days=32)).replace(day=1)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = following + timedelta(days=(7 - following.weekday()) % 7)
    campaign_id = _campaign_filter(request.GET.get("campaign", ""))
    found = selectors.calendar_range(
        actor=actor,
        start=timezone.make_aware(datetime.combine(grid_start, time.min)),
        end=timezone.make_aware(datetime.combine(grid_end, time.min)),
    ).select_related("campaign")
    posts = list(found.filter(campaign_id=campaign_id) if campaign_id else found)
    by_day: dict[date, list[Post]] = {}
    for post in posts:
        by_day.setdefault(timezone.localdate(post.scheduled_for), []).append(post)
    days = [grid_start + timedelta(days=i) for i in range((grid_end - grid_start).days)]
    weeks = [
        [(day, day.month == first.month, by_day.get(day, [])) for day in days[i : i + 7]]
        for i in range(0, len(days), 7)
    ]
    context = {
        "weeks": weeks,
        "first": first,
        "previous": (first - timedelta(days=1)).replace(day=1),
        "next": following,
        "can_draft": access.can(actor, "outreach.draft"),
        "campaigns": selectors.campaign_list(actor=actor),
        "campaign_id": campaign_id,
        "keep": [("month", first.strftime("%Y-%m"))],
    }
    return render(request, "outreach/calendar_month.html", context)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Render the posts waiting for the user's approval at their current step."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.view"):
        raise DjangoPermissionDenied
    return render(request, "outreach/queue.html", {"posts": selectors.approval_queue(actor=actor)})


def _form_errors(form: PostForm, error: DomainError) -> None:
    for name, found in error.errors.items():
        field = {"account_ids": "accounts", "campaign_id": "campaign"}.get(name, name)
        for message in found:
            form.add_error(field if field in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


def _compose(
    request: HttpRequest,
    *,
    save: Callable[[PostForm], Post],
    initial: dict[str, Any] | None,
    title: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = page_actor(request)
    accounts = list(selectors.account_list(actor=actor))
    campaigns = list(selectors.campaign_list(actor=actor))
    images = vault_image_list(actor=actor)
    form = PostForm(request.POST or None, initial=initial, accounts=accounts, campaigns=campaigns, images=images)
    previews = None
    content_preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            content = form.content()
            previews = selectors.post_previews(
                actor=actor, text_vi=content.text_vi, text_en=content.text_en, account_ids=content.account_ids
            )
            content_preview = post_content_preview(actor=actor, content=content)
        else:
            try:
                post = save(form)
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("outreach:detail", post_id=post.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    context = {
        "form": form,
        "title": title,
        "previews": previews,
        "content_preview": None if content_preview is None or content_preview.empty else content_preview,
        "has_accounts": bool(accounts),
        "vault_images": images,
        **(extra or {}),
    }
    return render(request, "outreach/form.html", context, status=status)


def _template_initial(actor: Actor, raw: str) -> dict[str, Any] | None:
    """Return the draft form's initial texts from one of the unit's templates (``?template=<id>``)."""
    if not raw.isdigit():
        return None
    template = selectors.template_list(actor=actor).filter(pk=int(raw)).first()
    if template is None:
        return None
    return {"text_vi": template.text_vi, "text_en": template.text_en}


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """Show the draft form (with per-platform previews on request) and create a draft on save."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.draft"):
        raise DjangoPermissionDenied
    return _compose(
        request,
        save=lambda form: services.post_create(actor=actor, content=form.content()),
        initial=_template_initial(actor, request.GET.get("template", "")),
        title=_("Draft a post"),
        extra={
            "recent_alerts": selectors.alerts_to_answer(actor=actor),
            "templates": selectors.template_list(actor=actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Draft a response to an intelligence alert; the draft carries the alert and its stories as evidence."""
    actor = page_actor(request)
    if not access.can(actor, "outreach.draft"):
        raise DjangoPermissionDenied
    evidence = selectors.alert_evidence_preview(actor=actor, alert_id=alert_id)
    return _compose(
        request,
        save=lambda form: services.post_respond(actor=actor, alert_id=alert_id, content=form.content()),
        initial={"title": _("Response: %(label)s") % {"label": evidence[0].label}},
        title=_("Draft a response to an alert"),
        extra={"evidence": evidence},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Show a post for editing; saving a changed version expires that version's approvals."""
    actor = page_actor(request)
    post = selectors.post_get(actor=actor, post_id=post_id)
    if not access.can(actor, "outreach.edit", post):
        raise DjangoPermissionDenied
    return _compose(
        request,
        save=lambda form: services.post_update(actor=actor, post_id=post_id, content=form.content()),
        initial=initial_from(post),
        title=_("Revise the post"),
    )


@login_required
def detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """Render one post: both versions, the approval steps, the targets with their URLs, allowed actions."""
    actor = page_actor(request)
    post = selectors.post_get(actor=actor, post_id=post_id)
    context = {
        "post": post,
        "targets": selectors.post_targets(actor=actor, post=post),
        "steps": selectors.post_steps(actor=actor, post=post),
        "may": {
            verb: access.can(actor, f"outreach.{verb}", post)
            for verb in ("edit", "submit", "approve", "recover", "link_issue")
        },
        "links": selectors.approval_links(actor=actor, post=post),
        "evidence": selectors.post_evidence(actor=actor, post=post),
        "content": post_content(post),
    }
    return render(request, "outreach/detail.html", context)


DONE = {
    "submit": gettext_lazy("Sent for approval."),
    "approve": gettext_lazy("Approved."),
    "recover": gettext_lazy("Queued for publishing again."),
}


@login_required
@require_POST
def act(request: HttpRequest, post_id: int, verb: str) -> HttpResponse:
    """Perform one action on a post (submit, approve with the chosen versions, recover), then show it."""
    actor = page_actor(request)
    try:
        if verb == "submit":
            services.post_submit(actor=actor, post_id=post_id)
        elif verb == "approve":
            services.post_approve(actor=actor, post_id=post_id, languages=request.POST.getlist("languages") or None)
        elif verb == "recover":
            services.post_recover(actor=actor, post_id=post_id)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        detail = "; ".join(m for found in error.errors.values() for m in found) or error.detail
        messages.error(request, detail)
    else:
        messages.success(request, DONE[verb])
    return redirect("outreach:detail", post_id=post_id)
