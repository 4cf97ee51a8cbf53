"""App configuration for identity."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Users, MFA, sessions and API tokens."""

    name = "chancery.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        """Connect the thin receivers for allauth's MFA signals (see ``receivers.py`` for why)."""
        from chancery.identity import receivers

        receivers.connect()
