"""States and kinds of cables, addressees and clearances."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CableState(models.TextChoices):
    """A cable's life: draft → in clearance → cleared → released → delivered → acknowledged (or returned)."""

    DRAFT = "draft", _("Draft")
    IN_CLEARANCE = "in_clearance", _("In clearance")
    CLEARED = "cleared", _("Cleared")
    RETURNED = "returned", _("Returned for revision")
    RELEASED = "released", _("Released")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


EDITABLE_STATES = frozenset({CableState.DRAFT, CableState.RETURNED})
SENT_STATES = frozenset({CableState.RELEASED, CableState.DELIVERED, CableState.ACKNOWLEDGED})


class AddresseeKind(models.TextChoices):
    """Action addressees must act (and acknowledge urgent traffic); info addressees are kept informed."""

    ACTION = "action", pgettext_lazy("cable addressee", "Action")
    INFO = "info", pgettext_lazy("cable addressee", "Info")


class ClearanceStatus(models.TextChoices):
    """Where one clearing office stands."""

    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    RETURNED = "returned", _("Returned")


DRAFTER_ROLES = frozenset({"desk_officer", "mission_officer", "analyst"})
"""Roles that draft cables for the unit they belong to and clear for their office."""
