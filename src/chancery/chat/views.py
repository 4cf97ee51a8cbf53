"""Chat pages: channels with unread counts, messages and the post form, direct messages and settings.

Settings cover members, retention, legal hold and export. Views are thin: they parse, call one selector
or service, and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chancery.chat import selectors, services
from chancery.chat.export import channel_export
from chancery.chat.forms import ChannelForm, DirectForm, LegalHoldForm, MemberForm, MessageForm, RetentionForm
from chancery.meetings.selectors import meeting_start_offered
from chancery.platform import access
from chancery.platform.errors import DomainError, NotFound
from chancery.platform.events.selectors import event_last_id
from chancery.platform.http import page_actor


def _require_chat(request: HttpRequest) -> None:
    if not access.can(page_actor(request), "chat.view"):
        raise DjangoPermissionDenied


def _form_errors(form: forms.Form, error: DomainError) -> None:
    for name, found in error.errors.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.detail)


def _flash(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, "; ".join(m for found in error.errors.values() for m in found) or error.detail)


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    """Render the user's channels with unread counts, and the channels a security officer oversees."""
    _require_chat(request)
    actor = page_actor(request)
    channels = list(selectors.channel_list(actor=actor))
    titles = {channel.pk: selectors.channel_title(channel, actor=actor) for channel in channels}
    context = {
        "channels": [(channel, titles[channel.pk]) for channel in channels],
        "overseen": selectors.channel_oversight_list(actor=actor),
        "direct_form": DirectForm(),
        "live_last_event_id": event_last_id(actor=actor),
    }
    return render(request, "chat/channel_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    """Show the new-channel form and create the channel on a valid submission."""
    _require_chat(request)
    actor = page_actor(request)
    form = ChannelForm(request.POST or None, clearance=actor.clearance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            channel = services.channel_create(
                actor=actor, kind=data["kind"], name=data["name"], ceiling=int(data["ceiling"])
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The channel is ready."))
            return redirect("chat:channel_detail", channel_id=channel.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "chat/channel_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def direct_start(request: HttpRequest) -> HttpResponse:
    """Open (or create) a direct conversation with the colleague named in the form."""
    _require_chat(request)
    form = DirectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.direct_open(actor=page_actor(request), username=form.cleaned_data["username"])
        except DomainError as error:
            _form_errors(form, error)
        else:
            return redirect("chat:channel_detail", channel_id=channel.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "chat/direct_form.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, channel_id: int, form: MessageForm | None) -> dict[str, Any]:
    actor = page_actor(request)
    channel = selectors.channel_get(actor=actor, channel_id=channel_id)
    before = request.GET.get("before", "")
    views = selectors.message_list(
        actor=actor, channel_id=channel_id, before_id=int(before) if before.isdigit() else None
    )
    return {
        "channel": channel,
        "title": selectors.channel_title(channel, actor=actor),
        "messages_shown": views,
        "older": views[0].message.pk if len(views) >= selectors.PAGE_SIZE else None,
        "form": form or MessageForm(ceiling=channel.ceiling, initial={"classification": 0}),
        "may": selectors.may(actor=actor, channel=channel),
        "may_meet": meeting_start_offered(actor=actor),
        "live_last_event_id": event_last_id(actor=actor),
        "live_reload": f"channel_id:{channel.pk}",  # events/live.js reloads on new messages in this channel
    }


@login_required
@require_http_methods(["GET", "POST"])
def channel_detail(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Render a channel's messages (marking them read) and post a new message on submission."""
    actor = page_actor(request)
    channel = selectors.channel_get(actor=actor, channel_id=channel_id)
    form = None
    if request.method == "POST":
        form = MessageForm(request.POST, ceiling=channel.ceiling)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.message_post(
                    actor=actor,
                    channel_id=channel_id,
                    body=data["body"],
                    classification=int(data["classification"]),
                    attachment_ids=data["attachments"],
                )
            except NotFound:
                raise Http404 from None
            except DomainError as error:
                _form_errors(form, error)
            else:
                return redirect("chat:channel_detail", channel_id=channel_id)
    else:
        services.channel_mark_read(actor=actor, channel_id=channel_id)
    context = _detail_context(request, channel_id, form)
    return render(request, "chat/channel_detail.html", context, status=400 if form is not None else 200)


@login_required
def channel_settings(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Render a channel's members, retention, legal hold and export controls, as the user may use them."""
    actor = page_actor(request)
    channel = selectors.channel_get_governed(actor=actor, channel_id=channel_id)
    may = selectors.may(actor=actor, channel=channel)
    is_member = access.can(actor, "chat.view", channel)
    context = {
        "channel": channel,
        "title": selectors.channel_title(channel, actor=actor) if is_member else channel.name,
        "may": may,
        "members": selectors.member_list(channel=channel) if is_member or may["legal_hold"] else [],
        "admins": selectors.admin_ids(channel=channel),
        "retention_form": RetentionForm(initial={"retention_days": channel.retention_days}),
        "hold_form": LegalHoldForm(),
        "member_form": MemberForm(),
    }
    return render(request, "chat/channel_settings.html", context)


def _settings_action(request: HttpRequest, channel_id: int, call: Any, done: str) -> HttpResponse:
    try:
        call()
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(request, done)
    return redirect("chat:channel_settings", channel_id=channel_id)


@login_required
@require_POST
def retention_set(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Set the channel's retention from the posted form."""
    form = RetentionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep messages between 1 and 3650 days, or leave it empty."))
        return redirect("chat:channel_settings", channel_id=channel_id)
    days = form.cleaned_data["retention_days"]
    return _settings_action(
        request,
        channel_id,
        lambda: services.channel_retention_set(actor=page_actor(request), channel_id=channel_id, retention_days=days),
        _("Retention saved."),
    )


@login_required
@require_POST
def legal_hold_place(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Place a legal hold on the channel."""
    reason = request.POST.get("reason", "")
    return _settings_action(
        request,
        channel_id,
        lambda: services.legal_hold_place(actor=page_actor(request), channel_id=channel_id, reason=reason),
        _("Legal hold placed: no message will be purged until it is lifted."),
    )


@login_required
@require_POST
def legal_hold_lift(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Lift the channel's legal hold."""
    return _settings_action(
        request,
        channel_id,
        lambda: services.legal_hold_lift(actor=page_actor(request), channel_id=channel_id),
        _("Legal hold lifted: retention applies again."),
    )


@login_required
@require_POST
def member_add(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Add a colleague to a topic channel."""
    username = request.POST.get("username", "")
    is_admin = request.POST.get("is_admin") in {"on", "1", "true"}
    return _settings_action(
        request,
        channel_id,
        lambda: services.member_add(
            actor=page_actor(request), channel_id=channel_id, username=username, is_admin=is_admin
        ),
        _("Member added."),
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, channel_id: int, user_id: int) -> HttpResponse:
    """Remove a listed member from a topic channel."""
    return _settings_action(
        request,
        channel_id,
        lambda: services.member_remove(actor=page_actor(request), channel_id=channel_id, user_id=user_id),
        _("Member removed."),
    )


@login_required
@require_POST
def export(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Download the channel's archive (zip with messages.json and channel.html); audited."""
    try:
        archive = channel_export(actor=page_actor(request), channel_id=channel_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        _flash(request, error)
        return redirect("chat:channel_settings", channel_id=channel_id)
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    return response
