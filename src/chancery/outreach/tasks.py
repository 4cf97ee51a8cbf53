"""Background work of outreach: the publishing run, as the system actor."""

from __future__ import annotations

from django.tasks import task

from chancery.outreach.publishing import posts_publish_due
from chancery.platform.actor import Actor


@task()
def publish_due() -> int:
    """Publish due posts and retry due targets (see :func:`posts_publish_due`); return the attempts made."""
    return posts_publish_due(actor=Actor.system(purpose="outreach.publish"))


@task()
def engagement_import_due() -> int:
    """Read engagement, replies and mentions back from the platforms (see :func:`engagement_import`)."""
    from chancery.outreach.engagement import engagement_import

    return engagement_import(actor=Actor.system(purpose="outreach.engagement")).readings
