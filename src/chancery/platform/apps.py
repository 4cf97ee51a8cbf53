"""App configuration for the shared kernel."""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Loads every domain's ``permissions`` module so the policy engine knows all rules at start-up."""

    name = "chancery.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        """Import ``<app>.permissions`` for every installed Chancery app (rule registration)."""
        from chancery.platform import access

        access.autodiscover()
