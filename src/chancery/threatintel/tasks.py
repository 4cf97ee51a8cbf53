"""Background work of threat intelligence: pulling partners' TAXII collections."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.threatintel.feeds import feeds_pull_all


@task()
def pull_partner_feeds() -> int:
    """Pull every active partner feed as the system; return how many object versions were added."""
    return feeds_pull_all(actor=Actor.system(purpose="threatintel.pull"))
