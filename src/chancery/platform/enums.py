"""Security markings shared by every domain: classification levels and Traffic Light Protocol."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """Classification levels, ordered; Vietnamese labels follow the Law on Protection of State Secrets."""

    UNCLASSIFIED = 0, _("Unclassified")
    INTERNAL = 10, _("Internal")
    CONFIDENTIAL = 20, _("Confidential (Mật)")
    SECRET = 30, _("Secret (Tối mật)")
    TOP_SECRET = 40, _("Top secret (Tuyệt mật)")


class TLP(models.TextChoices):
    """FIRST Traffic Light Protocol 2.0 markings for what is shared outside the ministry."""

    CLEAR = "CLEAR", _("TLP:CLEAR")
    GREEN = "GREEN", _("TLP:GREEN")
    AMBER = "AMBER", _("TLP:AMBER")
    AMBER_STRICT = "AMBER+STRICT", _("TLP:AMBER+STRICT")
    RED = "RED", _("TLP:RED")
