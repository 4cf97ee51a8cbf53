"""Background jobs of the risk app."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.risk.services import forecast_run


@task()
def forecast_refresh() -> int:
    """Refit the conflict model on the bundled extracts and store fresh drafts; return the run's id."""
    run = forecast_run(actor=Actor.system(purpose="risk.forecast_refresh"))
    return run.pk
