"""Organisations and compartments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chancery.missions.enums import EXTERNAL_KINDS, MISSION_KINDS, OrganisationKind


class Organisation(models.Model):
    """A unit users belong to: the ministry, a department, a mission abroad or an external stakeholder.

    Missions carry their host country (ISO 3166-1 alpha-2) and city; external stakeholders see only
    what is explicitly shared with them.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    country_code = models.CharField(_("country (ISO 3166-1)"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(MISSION_KINDS)) | ~models.Q(country_code=""),
                name="mission_has_host_country",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Vietnamese unless English is active)."""
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def is_mission(self) -> bool:
        """True for embassies, consulates-general and permanent missions."""
        return self.kind in MISSION_KINDS

    @property
    def is_external(self) -> bool:
        """True for partner ministries and international organisations."""
        return self.kind in EXTERNAL_KINDS


class Compartment(models.Model):
    """A need-to-know tag: an object marked with it is readable only by holders of the tag."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("compartment")
        verbose_name_plural = _("compartments")

    def __str__(self) -> str:
        return self.code
