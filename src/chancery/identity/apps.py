"""App configuration for identity."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Users, MFA, sessions and API tokens."""

    name = "chancery.identity"
    label = "identity"
    verbose_name = "Identity"
