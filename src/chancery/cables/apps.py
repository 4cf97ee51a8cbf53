"""The cables' Django app (its transparency-log record type is found by the log's autodiscovery)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CablesConfig(AppConfig):
    """Formal diplomatic cables between headquarters and the missions."""

    name = "chancery.cables"
    label = "cables"
    verbose_name = _("Cables")
    default_auto_field = "django.db.models.BigAutoField"
