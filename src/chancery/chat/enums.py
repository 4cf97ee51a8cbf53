"""Kinds of channel and membership roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    """Where a channel's members come from."""

    UNIT = "unit", _("Unit channel")
    MISSION = "mission", _("Mission channel")
    TOPIC = "topic", _("Topic channel")
    DIRECT = "direct", _("Direct messages")


ORGANISATION_KINDS = frozenset({ChannelKind.UNIT, ChannelKind.MISSION})
"""Channels whose members are derived from membership of their organisation (cleared for the ceiling)."""

EXPLICIT_KINDS = frozenset({ChannelKind.TOPIC, ChannelKind.DIRECT})
"""Channels whose members are listed explicitly (``Membership`` rows)."""

ATTACHMENTS_MAX = 5
RETENTION_DAYS_MAX = 3650
NAME_MAX = 80
