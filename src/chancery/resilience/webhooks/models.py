"""Webhook subscriptions (with their sealed signing secret) and deliveries (with their outcome)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.resilience.webhooks.enums import DeliveryStatus

SECRET_KEY_DOMAIN = "webhook"  # noqa: S105 - the sealing domain's name, not a secret


class WebhookSubscription(models.Model):
    """A partner organisation's endpoint for some event types.

    The signing secret (``whsec_…``) is sealed under the subscription's own data key, wrapped by the
    vault's keyring (registered for rotation in ``key_holders``); it is shown once, at creation.
    """

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("partner organisation"), on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(_("endpoint URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    secret_sealed = models.BinaryField(_("signing secret (sealed)"))
    key_id = models.CharField(_("key id"), max_length=32)
    kek_id = models.CharField(_("key-encryption key id"), max_length=64)
    wrapped_key = models.BinaryField(_("wrapped data key"), null=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.url}"


class WebhookDelivery(models.Model):
    """One message to one subscription, with its attempts and last outcome (replays are new rows)."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event_type = models.CharField(_("event type"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    replay_of = models.ForeignKey(
        "self", verbose_name=_("replay of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DeliveryStatus.values), name="webhook_status_valid"),
        ]

    def __str__(self) -> str:
        return self.message_id
