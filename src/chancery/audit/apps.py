"""App configuration for audit."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit trail."""

    name = "chancery.audit"
    label = "audit"
    verbose_name = "Audit"
