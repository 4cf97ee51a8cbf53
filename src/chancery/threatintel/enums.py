"""Choices of the threat-intelligence app: where an object came from and how a TAXII upload went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SHARED_ROLES = frozenset({"administrator", "security_officer", "analyst"})
"""Internal roles that read threat intelligence."""

MANAGER_ROLES = frozenset({"administrator", "security_officer"})
"""Internal roles that create collections, add objects and configure partner feeds."""


class Source(models.TextChoices):
    """How an object reached Chancery (its provenance)."""

    LOCAL = "local", _("Written here")
    IMPORT = "import", _("Imported bundle")
    TAXII_PUSH = "taxii_push", _("Pushed by a partner over TAXII")
    TAXII_PULL = "taxii_pull", _("Pulled from a partner over TAXII")
    PHISHING = "phishing", _("Confirmed phishing report")


class StatusState(models.TextChoices):
    """TAXII 2.1 status of an upload (section 4.3.1)."""

    PENDING = "pending", _("Pending")
    COMPLETE = "complete", _("Complete")
