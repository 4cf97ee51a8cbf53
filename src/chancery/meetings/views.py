"""Pages: the user's meetings, scheduling, one meeting (join, invitation, cancel), starting from a cable."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.meetings import selectors, services
from chancery.meetings.forms import MeetingForm
from chancery.platform import access
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.http import page_actor


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Render the user's upcoming and recent meetings and whether video meetings are available at all."""
    actor = page_actor(request)
    if not access.can(actor, "meetings.view"):
        raise DjangoPermissionDenied
    context = {
        "upcoming": selectors.meeting_list(actor=actor, upcoming=True)[:100],
        "past": selectors.meeting_list(actor=actor, upcoming=False)[:20],
        "video": selectors.video_status(),
        "can_schedule": access.can(actor, "meetings.schedule"),
    }
    return render(request, "meetings/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    """Show the scheduling form (or say plainly that no Jitsi deployment is configured) and schedule."""
    actor = page_actor(request)
    if not access.can(actor, "meetings.schedule"):
        raise DjangoPermissionDenied
    video = selectors.video_status()
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and video.configured and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                actor=actor,
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                participants=form.participant_names(),
                moderators=form.moderator_names(),
            )
        except DomainError as error:
            for name, found in error.errors.items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.detail)
        else:
            messages.success(request, _("The meeting is scheduled and the participants are invited."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/form.html", {"form": form, "video": video}, status=status)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Render one of the user's meetings: time, participants, join, invitation and cancel buttons."""
    actor = page_actor(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    context = {
        "meeting": meeting,
        "participants": selectors.participant_list(actor=actor, meeting=meeting),
        "video": selectors.video_status(),
        "may_join": access.can(actor, "meetings.join", meeting),
        "may_cancel": access.can(actor, "meetings.cancel", meeting),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def meeting_join(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Send the user's browser into the Jitsi room with their own freshly signed token."""
    try:
        link = services.meeting_join(actor=page_actor(request), meeting_id=meeting_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("meetings:detail", meeting_id=meeting_id)
    response = redirect(link.url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def meeting_invitation(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Download the meeting's iCalendar invitation (participants only)."""
    actor = page_actor(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    response = HttpResponse(services.meeting_invitation_bytes(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Cancel a meeting (its organiser)."""
    try:
        services.meeting_cancel(actor=page_actor(request), meeting_id=meeting_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("meetings:detail", meeting_id=meeting_id)


@login_required
@require_POST
def meeting_from_cable(request: HttpRequest, cable_id: int) -> HttpResponse:
    """Start a meeting now about a cable, inviting the people who may read it."""
    try:
        meeting = services.meeting_start_from_cable(actor=page_actor(request), cable_id=cable_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("cables:detail", cable_id=cable_id)
    messages.success(request, _("The meeting has started; its participants are invited."))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_from_channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Start a meeting now from a chat channel, inviting its members."""
    try:
        meeting = services.meeting_start_from_channel(actor=page_actor(request), channel_id=channel_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("chat:channel_detail", channel_id=channel_id)
    messages.success(request, _("The meeting has started; its participants are invited."))
    return redirect("meetings:detail", meeting_id=meeting.pk)
