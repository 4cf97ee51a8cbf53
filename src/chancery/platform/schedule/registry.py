"""The registry of periodic jobs, filled by each app's ``schedules`` module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.tasks import Task
from django.utils.module_loading import autodiscover_modules

MAX_NAME_LENGTH = 100

_registry: dict[str, Periodic] = {}


@dataclass(frozen=True, slots=True)
class Periodic:
    """A task without arguments that the worker enqueues every ``every`` (the task acts as the system)."""

    name: str
    task: Task[[], Any]
    every: timedelta

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > MAX_NAME_LENGTH or "." not in self.name:
            msg = f"periodic job name {self.name!r} must be '<app>.<job>', at most {MAX_NAME_LENGTH} characters"
            raise ValueError(msg)
        if self.every < timedelta(seconds=1):
            msg = f"periodic job {self.name!r} must run at most once a second"
            raise ValueError(msg)


class PeriodicAlreadyRegistered(RuntimeError):
    """Two different jobs were registered under one name."""


def register(*jobs: Periodic) -> None:
    """Add ``jobs`` to the registry; registering the same job twice is harmless, a clash of names is not."""
    for job in jobs:
        existing = _registry.get(job.name)
        if existing is not None and existing != job:
            msg = f"a different periodic job is already registered as {job.name!r}"
            raise PeriodicAlreadyRegistered(msg)
        _registry[job.name] = job


def periodics() -> list[Periodic]:
    """Return every registered job, by name, after importing each installed app's ``schedules`` module."""
    autodiscover_modules("schedules")
    return [_registry[name] for name in sorted(_registry)]
