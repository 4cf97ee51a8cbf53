"""App configuration for the transparency log."""

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """Loads every domain's ``tlog_records`` module so the log knows how to re-derive each leaf."""

    name = "chancery.transparency"
    label = "transparency"
    verbose_name = "Transparency log"

    def ready(self) -> None:
        """Import ``<app>.tlog_records`` for every installed Chancery app (leaf builders)."""
        from chancery.transparency import records

        records.autodiscover()
