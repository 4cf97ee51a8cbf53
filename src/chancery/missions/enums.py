"""Kinds of organisation Chancery knows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chancery.platform.enums import Classification


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
HEADQUARTERS_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.DEPARTMENT})
"""The ministry in Hà Nội and its departments (as opposed to missions abroad and external stakeholders)."""

REPORT_READER_ROLES_AT_HEADQUARTERS = frozenset({"desk_officer", "analyst", "security_officer"})
"""Headquarters roles whose work needs every mission's reporting (subject to clearance and compartments)."""

REPORT_AUTHOR_ROLES = frozenset({"mission_officer", "desk_officer", "analyst"})
"""Roles that may write a post report for the mission they belong to."""

PARTNER_MAX_CLASSIFICATION = Classification.INTERNAL
"""The highest classification (INTERNAL) that may ever be shared with an external stakeholder."""
