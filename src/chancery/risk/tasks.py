"""Background jobs of the risk app."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.risk.services import forecast_run_all, sentiment_draft_all


@task()
def forecast_refresh() -> int:
    """Refit the conflict, crisis and trade models on the bundled extracts and draft every initiative's reading.

    Returns the number of drafts stored; every draft awaits an analyst's review.
    """
    actor = Actor.system(purpose="risk.forecast_refresh")
    runs = forecast_run_all(actor=actor)
    readings = sentiment_draft_all(actor=actor)
    return sum(run.n_assessments for run in runs) + len(readings)
