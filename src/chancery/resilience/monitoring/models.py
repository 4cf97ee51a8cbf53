"""Security alerts with the figures and audit events behind them, and the clients each user is known to use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.resilience.monitoring.enums import AlertKind, AlertStatus


class SecurityAlert(models.Model):
    """One detection: ``figures`` are the numbers that triggered it, ``event_ids`` the audit events behind it.

    ``dedup_key`` makes a detector that runs again over the same window raise nothing new.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=AlertKind.choices)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_username = models.CharField(_("user concerned"), max_length=150, blank=True)
    figures = models.JSONField(_("figures"), default=dict)
    event_ids = models.JSONField(_("audit events"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.TextField(_("closing note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("security alert")
        verbose_name_plural = _("security alerts")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=AlertKind.values), name="alert_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class KnownClient(models.Model):
    """A kind of client (browser family on an operating system) a user has signed in with before."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(_("client"), max_length=100)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("known client")
        verbose_name_plural = _("known clients")
        constraints = [models.UniqueConstraint(fields=["user", "family"], name="known_client_unique")]

    def __str__(self) -> str:
        return self.family
