"""The vault's Django app (its transparency-log record type is found by the log's autodiscovery)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaultConfig(AppConfig):
    """The encrypted document vault."""

    name = "chancery.vault"
    label = "vault"
    verbose_name = _("Document vault")
    default_auto_field = "django.db.models.BigAutoField"
