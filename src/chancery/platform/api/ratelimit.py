"""Per-token (and, for browser sessions, per-client-address) rate limit in fixed one-minute windows.

The limit is ``settings.API_RATE_LIMIT_PER_MINUTE``; counters live in Django's cache (local memory on one
machine, Redis when configured), so every worker sharing the cache shares the budget. A refused request
gets 429 problem+json with ``Retry-After`` (seconds to the next window).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from chancery.platform.actor import Actor
from chancery.platform.http import client_ip

WINDOW_SECONDS = 60


def rate_limit_key(request: HttpRequest) -> str:
    """Return the bucket of ``request``: its token when it has one, else its client address."""
    actor = getattr(request, "auth", None)
    if isinstance(actor, Actor) and actor.token_id is not None:
        return f"token:{actor.token_id}"
    return f"client:{client_ip(request) or 'unknown'}"


class PerTokenRateLimit(BaseThrottle):
    """Allow ``API_RATE_LIMIT_PER_MINUTE`` requests per bucket and fixed window (runs after authentication)."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        """Count ``request`` in its bucket's current window; False once the limit is passed."""
        limit = int(settings.API_RATE_LIMIT_PER_MINUTE)
        if limit <= 0:
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"chancery:api-rate:{rate_limit_key(request)}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: start the window again
            cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
        if count > limit:
            self._wait = max(1.0, math.ceil((window + 1) * WINDOW_SECONDS - now))
            return False
        return True

    def wait(self) -> float | None:
        """Seconds until the next window for the last refused request."""
        return self._wait
