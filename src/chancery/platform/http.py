"""Small request helpers."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address as the server saw it (a TLS proxy's X-Forwarded-For is not trusted)."""
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
