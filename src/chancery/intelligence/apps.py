"""The intelligence Django app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    """Open-source news, social posts and indicators, enriched, searchable and watched."""

    name = "chancery.intelligence"
    label = "intelligence"
    verbose_name = _("Intelligence")
    default_auto_field = "django.db.models.BigAutoField"
