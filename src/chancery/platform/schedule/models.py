"""When each periodic job was last enqueued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chancery.platform.schedule.registry import MAX_NAME_LENGTH


class ScheduledRun(models.Model):
    """The last enqueueing of one periodic job; the row lock makes a job due for one worker only."""

    name = models.CharField(_("job"), max_length=MAX_NAME_LENGTH, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_task_id = models.CharField(_("last task id"), max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name
