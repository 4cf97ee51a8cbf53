"""The security monitoring app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Detectors of unusual sign-in and download behaviour, and the alerts they raise."""

    name = "chancery.resilience.monitoring"
    label = "monitoring"
    verbose_name = _("Security monitoring")
    default_auto_field = "django.db.models.BigAutoField"
