"""Periodic job of outreach, enqueued by ``chancery worker`` when due (acts as the system actor).

* ``outreach.publish``: every minute, puts approved posts whose time has come on the ministry's channel
  and publishes them to their platforms, and retries targets whose backoff has passed. A target that is
  not due is untouched, and every attempt reuses the target's idempotency key, so running it more often
  never posts twice.
* ``outreach.engagement``: every ``CHANCERY_OUTREACH_ENGAGEMENT_MINUTES``, reads counts, replies and
  mentions of copies published in the last ``CHANCERY_OUTREACH_ENGAGEMENT_DAYS`` (read-only on the
  platforms; see :mod:`chancery.outreach.engagement`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from chancery.outreach.tasks import engagement_import_due, publish_due
from chancery.platform.schedule import Periodic, register

PUBLISH_EVERY = timedelta(minutes=1)

register(Periodic(name="outreach.publish", task=publish_due, every=PUBLISH_EVERY))
register(
    Periodic(
        name="outreach.engagement",
        task=engagement_import_due,
        every=timedelta(minutes=max(5, settings.OUTREACH_ENGAGEMENT_MINUTES)),
    )
)
