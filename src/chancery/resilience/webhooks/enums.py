"""Event types partners may subscribe to, and the states of a delivery."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a partner system can be told about (only about objects that partner may see)."""

    AGREEMENT_STATUS_CHANGED = "agreement.status_changed", _("Agreement status changed")
    CABLE_RELEASED = "cable.released", _("Cable released to a partner-facing unit")
    DOCUMENT_SHARED = "document.shared", _("New shared document")


class DeliveryStatus(models.TextChoices):
    """Where a delivery stands: waiting (first try or a retry), delivered, or given up."""

    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Given up")
