"""The periodic-job scheduler's Django app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    """Records when each registered periodic job was last enqueued, so several workers never double it."""

    name = "chancery.platform.schedule"
    label = "schedule"
    verbose_name = _("Scheduled jobs")
    default_auto_field = "django.db.models.BigAutoField"
