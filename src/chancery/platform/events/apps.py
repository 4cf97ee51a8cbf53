"""The live event stream's Django app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Persisted per-user events, streamed over server-sent events."""

    name = "chancery.platform.events"
    label = "events"
    verbose_name = _("Live events")
    default_auto_field = "django.db.models.BigAutoField"
