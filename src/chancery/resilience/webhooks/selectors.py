"""Reads for the webhook pages and API (administrators only)."""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from chancery.resilience.webhooks.models import WebhookDelivery, WebhookSubscription


def subscription_list(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    """Return every subscription, newest first, with its organisation. Needs ``webhooks.manage``."""
    access.require(actor, "webhooks.manage")
    return WebhookSubscription.objects.select_related("organisation").order_by("-created_at", "-pk")


def subscription_get(*, actor: Actor, subscription_id: int) -> WebhookSubscription:
    """Return one subscription (NotFound when missing). Needs ``webhooks.manage``."""
    subscription = subscription_list(actor=actor).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound
    return subscription


def delivery_list(*, actor: Actor, subscription_id: int | None = None) -> QuerySet[WebhookDelivery]:
    """Return deliveries, newest first, optionally of one subscription. Needs ``webhooks.manage``."""
    access.require(actor, "webhooks.manage")
    deliveries = WebhookDelivery.objects.select_related("subscription__organisation").order_by("-created_at", "-pk")
    if subscription_id is not None:
        deliveries = deliveries.filter(subscription_id=subscription_id)
    return deliveries
