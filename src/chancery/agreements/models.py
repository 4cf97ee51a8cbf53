"""Agreements, their parties, and dated events (each with its source; conflicting sources side by side)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chancery.agreements.enums import (
    AgreementKind,
    AgreementScope,
    CommentSide,
    DatePrecision,
    EventKind,
    ObligationStatus,
    Recurrence,
    RelationKind,
    Stage,
)
from chancery.platform.enums import Classification


def _english_active() -> bool:
    return (get_language() or "vi").startswith("en")


class Agreement(models.Model):
    """A treaty, agreement, MoU, protocol, exchange of notes or accession.

    ``status`` is derived from the events by :func:`chancery.agreements.status.derive_status` and only
    ever written by the services; it is stored so that lists and the pipeline board filter cheaply.
    """

    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=400)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=400, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgreementKind.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=AgreementScope.choices)
    subject_areas = models.JSONField(_("subject areas"), default=list, blank=True)
    lead_department = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_agreements",
    )
    depositary = models.CharField(_("depositary"), max_length=200, blank=True)
    un_registration_number = models.CharField(_("UN registration number (Charter Art. 102)"), max_length=40, blank=True)
    classification = models.IntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    status = models.CharField(_("status"), max_length=16, choices=Stage.choices, default=Stage.PROPOSED, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative (demo) data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AgreementKind.values), name="agreement_kind_valid"),
            models.CheckConstraint(condition=models.Q(scope__in=AgreementScope.values), name="agreement_scope_valid"),
            models.CheckConstraint(condition=models.Q(status__in=Stage.values), name="agreement_status_valid"),
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values),
                name="agreement_classification_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def title(self) -> str:
        """The title in the active language (English when no Vietnamese title is recorded)."""
        return self.title_en if _english_active() or not self.title_vi else self.title_vi


class AgreementRelation(models.Model):
    """``source`` amends, supersedes or implements ``target``."""

    source = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)

    class Meta:
        verbose_name = _("related agreement")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="agreement_relation_unique"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="agreement_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Party(models.Model):
    """A state (ISO 3166-1 alpha-2 ``country_code``) or an organisation (``organisation_code``) party."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    country_code = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2, blank=True, db_index=True)
    organisation_code = models.CharField(_("organisation code"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "country_code"],
                condition=~models.Q(country_code=""),
                name="party_country_unique",
            ),
            models.UniqueConstraint(
                fields=["agreement", "organisation_code"],
                condition=~models.Q(organisation_code=""),
                name="party_organisation_unique",
            ),
            models.CheckConstraint(
                condition=(models.Q(country_code="") & ~models.Q(organisation_code=""))
                | (~models.Q(country_code="") & models.Q(organisation_code="")),
                name="party_country_xor_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The country or organisation code."""
        return self.country_code or self.organisation_code


class AgreementEvent(models.Model):
    """A dated fact with its source; party events name their party.

    Several events of the same kind for the same party are kept side by side when sources disagree
    (the Viet Nam-Israel FTA's entry into force, for example); nothing is overwritten.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source = models.CharField(_("source"), max_length=500)
    notice_number = models.CharField(_("notice of entry into force"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="agreement_event_kind_valid"),
            models.UniqueConstraint(
                fields=["agreement", "party", "kind", "date", "source"], name="agreement_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date.isoformat()}"

    @property
    def date_display(self) -> str:
        """The date as precise as its source (``1992``, ``2009-02`` or ``2019-06-30``)."""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.date.year:04d}"
        if self.date_precision == DatePrecision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


class Obligation(models.Model):
    """Something an agreement obliges the ministry to do, by a date or on a recurrence.

    Annual reports, tariff steps, review clauses, notice windows for renewal or termination. A recurring
    obligation moves to its next due date when met; a one-off one is done.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    title = models.CharField(_("what"), max_length=300)
    department = models.ForeignKey(
        "missions.Organisation", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), db_index=True)
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE)
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=14)
    status = models.CharField(
        _("status"), max_length=8, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )
    is_illustrative = models.BooleanField(_("illustrative (demo) data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recurrence__in=Recurrence.values), name="obligation_recurrence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ObligationStatus.values), name="obligation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Reminder(models.Model):
    """An in-app reminder to an obligation's owner; one per owner and due date (sending is idempotent)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "user", "due_date"], name="reminder_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class CalendarToken(models.Model):
    """The secret in a user's iCalendar feed URL; only its SHA-256 is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.pk}"


class SignedText(models.Model):
    """The SHA-256 of an authentic text (a vault document version), signed with the ministry's hybrid keys.

    ``note`` is a signed note (C2SP signed-note) whose text is ``chancery.agreements.text/v1``, the
    agreement id and the hash, signed with Ed25519 and ML-DSA-44 (the transparency log's keys).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signed_texts")
    label = models.CharField(_("text"), max_length=200)
    document_id = models.PositiveBigIntegerField(_("vault document"))
    version_number = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.TextField(_("signed note"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_by_name = models.CharField(_("signed by"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("signed text")

    def __str__(self) -> str:
        return f"#{self.pk}"


class NegotiationRound(models.Model):
    """A negotiating round: dates, venue, delegations, an outcome summary and minutes.

    The minutes are a vault document, a text, or both; like the delegations and the outcome they stay
    internal (partners never see them).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField(_("round"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    venue = models.CharField(_("venue"), max_length=200)
    delegations = models.TextField(_("delegations"), blank=True)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    minutes_document_id = models.PositiveBigIntegerField(_("minutes (vault document)"), null=True, blank=True)
    minutes_text = models.TextField(_("minutes"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative (demo) data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("negotiation round")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="round_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}/{self.number}"


class RoundDraft(models.Model):
    """A draft text tabled at a round: a vault document version (content stays in the vault)."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="drafts")
    label = models.CharField(_("draft"), max_length=200)
    document_id = models.PositiveBigIntegerField(_("vault document"))
    version_number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["round__number", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Position(models.Model):
    """The ministry's internal position or brief on one negotiating issue, with its classification."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="positions")
    issue = models.CharField(_("negotiating issue"), max_length=200)
    body = models.TextField(_("position"))
    classification = models.IntegerField(
        _("classification"), choices=Classification.choices, default=Classification.CONFIDENTIAL
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["issue", "-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class NegotiationComment(models.Model):
    """A comment on a negotiation; ``side`` and ``organisation`` keep partners' comments apart."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    side = models.CharField(_("side"), max_length=8, choices=CommentSide.choices)
    organisation = models.ForeignKey(
        "missions.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"
