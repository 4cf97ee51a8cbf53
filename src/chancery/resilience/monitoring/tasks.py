"""The periodic detection run, as the system actor."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.resilience.monitoring.services import monitoring_run


@task()
def run_detectors() -> int:
    """Run every detector over the last hour; return how many alerts were raised."""
    return len(monitoring_run(actor=Actor.system(purpose="monitoring.detect")))
