"""App configuration for risk assessment."""

from django.apps import AppConfig


class RiskConfig(AppConfig):
    """Conflict risk forecasts, their human review, the AI event log and the use-case register."""

    name = "chancery.risk"
    label = "risk"
    verbose_name = "Risk assessment"
    default_auto_field = "django.db.models.BigAutoField"
