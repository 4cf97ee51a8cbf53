"""The audit app's background job: draining the shipping outbox to the collector."""

from __future__ import annotations

from django.tasks import task

from chancery.audit.shipping import audit_ship_due
from chancery.platform.actor import Actor


@task()
def audit_ship() -> int:
    """Ship the due audit events (see :mod:`chancery.audit.shipping`); return how many were delivered."""
    return audit_ship_due(actor=Actor.system(purpose="audit-shipping")).shipped
