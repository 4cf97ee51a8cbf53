"""The live stream view: ``GET /events/stream`` (text/event-stream) for the signed-in user."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from chancery.platform.actor import Actor
from chancery.platform.events.selectors import event_last_id
from chancery.platform.events.stream import event_stream, parse_last_event_id
from chancery.platform.http import client_ip


async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Stream the signed-in user's events; resume after ``Last-Event-ID`` (header or ``last_event_id``).

    Without a resume point the stream starts after the newest existing event. Anonymous callers are sent
    to sign in, like every page.
    """
    user = await request.auser()
    actor = await sync_to_async(Actor.from_user)(user, client_ip=client_ip(request))
    if actor.user_id is None:
        return redirect_to_login(request.get_full_path())
    after = parse_last_event_id(request.headers.get("Last-Event-ID"))
    if after is None:
        after = parse_last_event_id(request.GET.get("last_event_id"))
    if after is None:
        after = await sync_to_async(event_last_id)(actor=actor)
    response = StreamingHttpResponse(
        event_stream(
            actor=actor,
            after_id=after,
            poll_seconds=float(settings.EVENTS_POLL_SECONDS),
            heartbeat_seconds=float(settings.EVENTS_HEARTBEAT_SECONDS),
            max_seconds=float(settings.EVENTS_STREAM_MAX_SECONDS),
        ),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response
