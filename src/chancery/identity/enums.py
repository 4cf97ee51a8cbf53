"""Roles a user can hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does; the policy engine's rules key on it."""

    ADMINISTRATOR = "administrator", _("Administrator")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    DESK_OFFICER = "desk_officer", _("Desk officer")
    ANALYST = "analyst", _("Analyst")
    TREATY_OFFICER = "treaty_officer", _("Treaty officer")
    PRESS_OFFICER = "press_officer", _("Press officer")
    MISSION_OFFICER = "mission_officer", _("Mission officer")
    PARTNER = "partner", _("Partner (external)")


MFA_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_OFFICER})
