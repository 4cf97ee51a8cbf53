"""Choices of the awareness app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TRIAGE_ROLES = frozenset({"administrator", "security_officer"})
"""Internal roles that triage reported phishing."""


class ReportStatus(models.TextChoices):
    """Where a phishing report stands."""

    NEW = "new", _("Awaiting triage")
    CONFIRMED = "confirmed", _("Confirmed phishing")
    DISMISSED = "dismissed", _("Dismissed")


class IndicatorKind(models.TextChoices):
    """What an extracted indicator is."""

    SENDER = "sender", _("Sender address")
    REPLY_TO = "reply_to", _("Reply-to address")
    URL = "url", _("URL")
    DOMAIN = "domain", _("Domain")
    ATTACHMENT = "attachment", _("Attachment SHA-256")


class CampaignState(models.TextChoices):
    """Where a phishing drill stands."""

    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
