"""Organisations and compartments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chancery.missions.countries import country_name, is_country_code
from chancery.missions.enums import EXTERNAL_KINDS, MISSION_KINDS, OrganisationKind
from chancery.platform.enums import TLP, Classification
from chancery.vault import text_sealing

REPORT_KEY_DOMAIN = "report"


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

    def clean(self) -> None:
        """Check the host country: an ISO 3166-1 alpha-2 code, required for missions abroad."""
        if self.country_code and not is_country_code(self.country_code):
            raise ValidationError({"country_code": _("Use an ISO 3166-1 alpha-2 code such as JP or US.")})
        if self.kind in MISSION_KINDS and not self.country_code:
            raise ValidationError({"country_code": _("A mission abroad needs its host country.")})

    @property
    def country_name(self) -> str:
        """The host country's name in the active language ("" when none)."""
        return country_name(self.country_code) if self.country_code else ""

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

    @property
    def name(self) -> str:
        """The name in the active language (Vietnamese unless English is active)."""
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


def _english_active() -> bool:
    return (get_language() or "vi").startswith("en")


class PostReport(models.Model):
    """A mission's report on its host country (a reporting note, like a cable): a classified object.

    Read access is decided by ``missions.view_report`` (see :mod:`chancery.missions.permissions`):
    clearance, compartments, the need-to-know rule for internal users, and explicit sharing (``tlp`` and
    ``shared_with``) for external stakeholders.
    """

    mission = models.ForeignKey(
        Organisation,
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="post_reports",
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    # The body is sealed under the report's own data key, wrapped by the vault's keyring (see ``body``).
    body_sealed = models.BinaryField(_("body (sealed)"))
    key_id = models.CharField(_("key id"), max_length=32)
    kek_id = models.CharField(_("key-encryption key id"), max_length=64)
    wrapped_key = models.BinaryField(_("wrapped data key"), null=True)
    classification = models.IntegerField(
        _("classification"),
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    compartments = models.ManyToManyField(
        Compartment,
        verbose_name=_("compartments"),
        blank=True,
        related_name="post_reports",
    )
    tlp = models.CharField(_("TLP marking"), max_length=16, choices=TLP.choices, default=TLP.RED)
    shared_with = models.ManyToManyField(
        Organisation,
        verbose_name=_("shared with"),
        blank=True,
        related_name="reports_shared_with",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="post_reports",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("post report")
        verbose_name_plural = _("post reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values),
                name="post_report_classification_valid",
            ),
            models.CheckConstraint(condition=models.Q(tlp__in=TLP.values), name="post_report_tlp_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def title(self) -> str:
        """The title in the active language (Vietnamese unless English is active)."""
        return self.title_en if _english_active() else self.title_vi

    @property
    def body(self) -> str:
        """The report's text, opened from ``body_sealed`` (raises the vault's integrity error if altered)."""
        key = text_sealing.key_open(
            domain=REPORT_KEY_DOMAIN, key_id=self.key_id, kek_id=self.kek_id, wrapped=bytes(self.wrapped_key or b"")
        )
        return text_sealing.text_open(key, bytes(self.body_sealed), role="body")

    @body.setter
    def body(self, text: str) -> None:
        """Seal ``text`` under the report's data key (a new key for a new report)."""
        if self.key_id and self.wrapped_key:
            key = text_sealing.key_open(
                domain=REPORT_KEY_DOMAIN, key_id=self.key_id, kek_id=self.kek_id, wrapped=bytes(self.wrapped_key)
            )
        else:
            key = text_sealing.key_new(domain=REPORT_KEY_DOMAIN)
            self.key_id, self.kek_id, self.wrapped_key = key.key_id, key.kek_id, key.wrapped
        self.body_sealed = text_sealing.text_seal(key, text, role="body")
