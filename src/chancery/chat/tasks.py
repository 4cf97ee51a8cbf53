"""Background work of chat: purging messages past their channel's retention."""

from __future__ import annotations

from django.tasks import task

from chancery.chat.retention import retention_purge
from chancery.platform.actor import Actor


@task()
def purge_expired() -> int:
    """Delete messages older than their channel's retention (legal holds excepted); return how many."""
    return sum(retention_purge(actor=Actor.system(purpose="chat.retention")).values())
