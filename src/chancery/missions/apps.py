"""App configuration for organisations and missions."""

from django.apps import AppConfig


class MissionsConfig(AppConfig):
    """Organisations, missions and need-to-know compartments."""

    name = "chancery.missions"
    label = "missions"
    verbose_name = "Organisations and missions"
