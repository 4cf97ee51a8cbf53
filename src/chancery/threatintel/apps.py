"""The threat-intelligence Django app (its rules are found by the policy engine's autodiscovery)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreatintelConfig(AppConfig):
    """STIX 2.1 objects shared with partner ministries over TAXII 2.1."""

    name = "chancery.threatintel"
    label = "threatintel"
    verbose_name = _("Threat intelligence")
    default_auto_field = "django.db.models.BigAutoField"
