"""Periodic job of outreach, enqueued by ``chancery worker`` when due (acts as the system actor).

* ``outreach.publish``: every minute, puts approved posts whose time has come on the ministry's channel
  and publishes them to their platforms, and retries targets whose backoff has passed. A target that is
  not due is untouched, and every attempt reuses the target's idempotency key, so running it more often
  never posts twice.
"""

from __future__ import annotations

from datetime import timedelta

from chancery.outreach.tasks import publish_due
from chancery.platform.schedule import Periodic, register

PUBLISH_EVERY = timedelta(minutes=1)

register(Periodic(name="outreach.publish", task=publish_due, every=PUBLISH_EVERY))
