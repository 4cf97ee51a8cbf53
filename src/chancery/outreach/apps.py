"""The outreach Django app (public diplomacy on social media and the ministry's own channel)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Social-media posts in Vietnamese and English, their approval, publishing and public statements."""

    name = "chancery.outreach"
    label = "outreach"
    verbose_name = _("Public diplomacy")
    default_auto_field = "django.db.models.BigAutoField"
