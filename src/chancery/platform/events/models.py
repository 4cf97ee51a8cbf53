"""The persisted event: what one user's live stream delivers, at least once, in id order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One event for one user. ``payload`` holds references and markings only, never classified text.

    The primary key is the SSE event id: a client that reconnects with ``Last-Event-ID: n`` receives
    every event of its user with an id above ``n``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="live_events",
    )
    kind = models.CharField(_("kind"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        indexes = [models.Index(fields=["user", "id"], name="events_user_id_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
