"""The awareness Django app (its rules are found by the policy engine's autodiscovery)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Security awareness: reported phishing, drills and courses."""

    name = "chancery.awareness"
    label = "awareness"
    verbose_name = _("Security awareness")
    default_auto_field = "django.db.models.BigAutoField"
