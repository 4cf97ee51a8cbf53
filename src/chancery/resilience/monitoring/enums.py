"""Kinds of security alert and where an alert stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    """What a detector saw."""

    NEW_CLIENT = "new_client", _("Sign-in from a new kind of device or browser")
    FAILURE_BURST = "failure_burst", _("Burst of failed sign-ins across accounts")
    UNUSUAL_HOUR = "unusual_hour", _("Sign-in at an unusual hour for this user")
    TOKEN_NEW_ADDRESS = "token_new_address", _("API token used from a new address")
    MASS_DOWNLOAD = "mass_download", _("Mass downloads or exports")


class AlertStatus(models.TextChoices):
    """Open (new), acknowledged (someone is looking), closed (with a note)."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")
