"""The resilience app: backups."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResilienceConfig(AppConfig):
    """Encrypted backup and restore of a whole instance."""

    name = "chancery.resilience"
    label = "resilience"
    verbose_name = _("Resilience")
    default_auto_field = "django.db.models.BigAutoField"
