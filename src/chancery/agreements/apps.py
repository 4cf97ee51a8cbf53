"""App configuration for the agreements workspace."""

from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """Bilateral and multilateral agreements from negotiation to entry into force (per party)."""

    name = "chancery.agreements"
    label = "agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"
