"""Small request helpers."""

from __future__ import annotations

from django.http import HttpRequest

from chancery.platform.actor import Actor


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address as the server saw it (a TLS proxy's X-Forwarded-For is not trusted)."""
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


_ACTOR_ATTRIBUTE = "_chancery_actor"


def page_actor(request: HttpRequest) -> Actor:
    """Return the actor of a page request (the signed-in user, or anonymous), built once per request."""
    actor = getattr(request, _ACTOR_ATTRIBUTE, None)
    if not isinstance(actor, Actor):
        actor = Actor.from_user(getattr(request, "user", None), client_ip=client_ip(request))
        setattr(request, _ACTOR_ATTRIBUTE, actor)
    return actor
