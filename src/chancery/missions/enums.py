"""Kinds of organisation Chancery knows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """Internal units of the ministry, its missions abroad, and external stakeholders."""

    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department")
    EMBASSY = "embassy", _("Embassy")
    CONSULATE_GENERAL = "consulate_general", _("Consulate-General")
    PERMANENT_MISSION = "permanent_mission", _("Permanent Mission")
    PARTNER_MINISTRY = "partner_ministry", _("Partner foreign ministry")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")


MISSION_KINDS = frozenset(
    {OrganisationKind.EMBASSY, OrganisationKind.CONSULATE_GENERAL, OrganisationKind.PERMANENT_MISSION},
)
EXTERNAL_KINDS = frozenset({OrganisationKind.PARTNER_MINISTRY, OrganisationKind.INTERNATIONAL_ORGANISATION})
