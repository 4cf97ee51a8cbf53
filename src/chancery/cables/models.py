"""Cables, their portion-marked paragraphs, addressees, clearances, deliveries and number sequences.

The subject, the paragraphs' text and return comments are sealed (AES-256-GCM under a per-cable data key
wrapped by the vault's keyring, see :mod:`chancery.cables.sealing`); markings and references stay plain
so that the policy engine can filter without decrypting anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chancery.cables.enums import AddresseeKind, CableState, ClearanceStatus
from chancery.platform.enums import Classification


class CableNumberSequence(models.Model):
    """The last number a post used in a year; locked while a cable is released (gap-free numbering)."""

    post = models.ForeignKey("missions.Organisation", verbose_name=_("post"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("cable number sequence")
        verbose_name_plural = _("cable number sequences")
        constraints = [models.UniqueConstraint(fields=["post", "year"], name="cable_sequence_post_year_unique")]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.year}: {self.last_number}"


class Cable(models.Model):
    """A formal cable from an originating unit to action and info addressees."""

    originator = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("originating post"),
        on_delete=models.PROTECT,
        related_name="cables_sent",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="cables_drafted",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cables_approved",
    )
    state = models.CharField(_("state"), max_length=16, choices=CableState.choices, default=CableState.DRAFT)
    classification = models.IntegerField(_("classification"), choices=Classification.choices)
    precedence = models.CharField(_("precedence"), max_length=32)
    tags = models.JSONField(_("TAGS"), default=list)
    captions = models.JSONField(_("captions"), default=list)
    references = models.ManyToManyField(
        "self",
        verbose_name=_("references"),
        symmetrical=False,
        blank=True,
        related_name="referenced_by",
    )
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    key_id = models.CharField(_("key id"), max_length=32)
    kek_id = models.CharField(_("key-encryption key id"), max_length=64)
    wrapped_key = models.BinaryField(_("wrapped data key"))
    subject_sealed = models.BinaryField(_("subject (sealed)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True, db_index=True)
    return_comment_sealed = models.BinaryField(_("return comment (sealed)"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cables_returned",
    )
    content_sha256 = models.CharField(_("SHA-256 of the canonical cable"), max_length=64, blank=True)
    compartments = models.ManyToManyField(
        "missions.Compartment", verbose_name=_("compartments"), blank=True, related_name="cables"
    )

    class Meta:
        ordering = ["-released_at", "-updated_at", "-id"]
        verbose_name = _("cable")
        verbose_name_plural = _("cables")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values),
                name="cable_classification_valid",
            ),
            models.CheckConstraint(condition=models.Q(state__in=CableState.values), name="cable_state_valid"),
            models.UniqueConstraint(
                fields=["originator", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="cable_number_unique_per_post_year",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def reference(self) -> str:
        """The cable's number as shown to readers, e.g. ``HANOI 000123`` ("" before release; per post and year)."""
        if self.number is None:
            return ""
        return f"{self.originator.code.upper()} {self.number:06d}"


class Paragraph(models.Model):
    """One numbered paragraph with its own portion marking; the text is sealed."""

    cable = models.ForeignKey(Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveIntegerField(_("number"))
    classification = models.IntegerField(_("portion marking"), choices=Classification.choices)
    text_sealed = models.BinaryField(_("text (sealed)"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [models.UniqueConstraint(fields=["cable", "number"], name="paragraph_number_unique")]

    def __str__(self) -> str:
        return f"{self.cable_id}.{self.number}"


class Attachment(models.Model):
    """A vault document attached to a cable, pinned to the version (and its SHA-256) current when attached.

    Only the reference lives here: the content stays in the vault, and a reader sees the attachment only
    when the vault's policy lets them read the document.
    """

    cable = models.ForeignKey(Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "vault.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="cable_attachments"
    )
    version_number = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256 of the version"), max_length=64)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.UniqueConstraint(fields=["cable", "document"], name="cable_attachment_unique")]

    def __str__(self) -> str:
        return f"{self.cable_id}:{self.document_id}v{self.version_number}"


class Addressee(models.Model):
    """A unit or mission the cable is addressed to, for action or for information."""

    cable = models.ForeignKey(Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="addressees")
    organisation = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cables_addressed",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AddresseeKind.choices)

    class Meta:
        ordering = ["kind", "organisation__code"]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [models.UniqueConstraint(fields=["cable", "organisation"], name="addressee_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.organisation_id}"


class Clearance(models.Model):
    """An office that must concur before release, and its decision."""

    cable = models.ForeignKey(Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="clearances")
    office = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("clearing office"),
        on_delete=models.PROTECT,
        related_name="cable_clearances",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClearanceStatus.choices, default=ClearanceStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cable_clearances",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["office__code"]
        verbose_name = pgettext_lazy("cable concurrence", "clearance")
        verbose_name_plural = pgettext_lazy("cable concurrence", "clearances")
        constraints = [models.UniqueConstraint(fields=["cable", "office"], name="clearance_office_unique")]

    def __str__(self) -> str:
        return f"{self.cable_id}:{self.office_id}:{self.status}"


class Delivery(models.Model):
    """One addressee's copy of a released cable, and its acknowledgement."""

    cable = models.ForeignKey(Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="deliveries")
    organisation = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="cable_deliveries",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AddresseeKind.choices)
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    ack_required = models.BooleanField(_("acknowledgement required"), default=False)
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cable_acknowledgements",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "organisation__code"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["cable", "organisation"], name="delivery_unique")]

    def __str__(self) -> str:
        return f"{self.cable_id}->{self.organisation_id}"


class SavedSearch(models.Model):
    """A user's archive query; its owner is notified when a newly released cable they may read matches.

    The query is what the owner typed (it may reveal interest, so only the owner sees it).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="cable_saved_searches",
    )
    query = models.CharField(_("query"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["owner", "query"], name="saved_search_owner_query_unique")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.pk}"
