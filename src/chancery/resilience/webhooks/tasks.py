"""Background work of webhooks, as the system actor: one delivery's attempt, and the retry sweep."""

from __future__ import annotations

from django.tasks import task

from chancery.platform.actor import Actor
from chancery.resilience.webhooks.services import deliveries_retry_due, delivery_attempt


@task()
def webhook_deliver(delivery_id: int) -> str:
    """Attempt delivery ``delivery_id`` now (if still pending and due); return its status."""
    delivery = delivery_attempt(actor=Actor.system(purpose="webhooks.deliver"), delivery_id=delivery_id)
    return delivery.status if delivery is not None else "not-due"


@task()
def webhooks_retry() -> int:
    """Attempt every delivery whose retry is due (and any whose first task was lost); return how many."""
    return deliveries_retry_due(actor=Actor.system(purpose="webhooks.retry"))
