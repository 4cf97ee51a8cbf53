"""The meetings' Django app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Video meetings on the ministry's own Jitsi Meet deployment."""

    name = "chancery.meetings"
    label = "meetings"
    verbose_name = _("Video meetings")
    default_auto_field = "django.db.models.BigAutoField"
