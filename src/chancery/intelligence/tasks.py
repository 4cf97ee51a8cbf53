"""Background work of intelligence: polling due sources, spike detection and the desks' daily briefs."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.tasks import task
from django.utils import timezone

from chancery.intelligence import alerting, briefing, services
from chancery.platform.actor import Actor


@task()
def sources_poll() -> int:
    """Poll every enabled source whose interval has passed (as the system actor); return how many."""
    return services.sources_poll_due(actor=Actor.system(purpose="intelligence.poll"))


@task()
def spikes_detect() -> int:
    """Raise spike alerts for today and yesterday (UTC); return how many were raised."""
    return alerting.spikes_detect_recent(actor=Actor.system(purpose="intelligence.spikes"))


@task()
def briefs_generate() -> int:
    """Refresh today's brief of every staffed desk and finish yesterday's; return how many were written."""
    actor = Actor.system(purpose="intelligence.briefs")
    today = timezone.now().astimezone(UTC).date()
    return sum(briefing.briefs_generate_all(actor=actor, day=day) for day in (today - timedelta(days=1), today))
