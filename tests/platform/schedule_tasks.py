"""Tasks for the scheduler tests (tasks must live at module level to be enqueued)."""

from __future__ import annotations

from django.tasks import task

calls: list[str] = []


@task()
def record_call() -> None:
    """Note that the scheduler ran this task."""
    calls.append("ran")
