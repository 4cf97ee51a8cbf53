"""Periodic jobs: apps register them in ``<app>/schedules.py``; the worker enqueues each when it is due.

An app's ``schedules.py`` calls ``register(Periodic(name="vault.disposal", task=dispose_due,
every=timedelta(hours=1)))`` with a task that takes no arguments and acts as the system.
"""

from __future__ import annotations

from chancery.platform.schedule.registry import Periodic, periodics, register

__all__ = ["Periodic", "periodics", "register"]
