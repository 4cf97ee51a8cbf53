"""The audit event table. Rows are never updated or deleted: database triggers refuse it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.audit.enums import Outcome


class AuditEvent(models.Model):
    """One audited action. Holds references and metadata only, never the content of an object.

    ``actor_id`` and ``actor_organisation_id`` are plain integers (not foreign keys) so that deleting a
    user or an organisation can never cascade into the audit trail; the latter scopes what a mission's
    security officer sees.
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_organisation_id = models.BigIntegerField(_("actor's organisation id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    classification = models.IntegerField(_("classification"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.outcome}"


class AuditShipment(models.Model):
    """An audit event still to be copied to the separate collector (``AUDIT_SHIP_URL``): the durable outbox.

    Written in the same transaction as its event (so none is lost when the collector is down) and deleted
    once the collector has it. ``event_id`` is a plain integer, like ``actor_id``.
    """

    event_id = models.BigIntegerField(_("event id"), unique=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["event_id"]
        verbose_name = _("audit shipment")
        verbose_name_plural = _("audit shipments")

    def __str__(self) -> str:
        return f"audit event {self.event_id} ({self.attempts} attempts)"
