"""Documents, their encrypted versions, shares, comments and retention."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chancery.platform.enums import TLP, Classification
from chancery.vault.enums import FileType, Language


def _english_active() -> bool:
    return (get_language() or "vi").startswith("en")


class RetentionClass(models.Model):
    """How long documents of a kind are kept before disposal (crypto-shredding)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    retention_days = models.PositiveIntegerField(_("retention (days)"))

    class Meta:
        ordering = ["retention_days", "code"]
        verbose_name = _("retention class")
        verbose_name_plural = _("retention classes")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if _english_active() else self.name_vi


class Document(models.Model):
    """A document: bilingual metadata and markings; its content lives only in encrypted versions."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    classification = models.IntegerField(
        _("classification"), choices=Classification.choices, default=Classification.INTERNAL
    )
    compartments = models.ManyToManyField(
        "missions.Compartment", verbose_name=_("compartments"), blank=True, related_name="vault_documents"
    )
    tlp = models.CharField(_("TLP marking"), max_length=16, choices=TLP.choices, default=TLP.AMBER)
    owning_unit = models.ForeignKey(
        "missions.Organisation", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="vault_documents"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    countries = models.JSONField(_("countries (ISO 3166-1)"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.VIETNAMESE)
    retention_class = models.ForeignKey(
        RetentionClass,
        verbose_name=_("retention class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    dispose_after = models.DateTimeField(_("dispose after"), null=True, blank=True, db_index=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values), name="vault_document_classification"
            ),
            models.CheckConstraint(condition=models.Q(tlp__in=TLP.values), name="vault_document_tlp"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def title(self) -> str:
        """The title in the active language (the other one when it is empty)."""
        return (self.title_en or self.title_vi) if _english_active() else (self.title_vi or self.title_en)

    @property
    def description(self) -> str:
        """The description in the active language (the other one when it is empty)."""
        if _english_active():
            return self.description_en or self.description_vi
        return self.description_vi or self.description_en


class DocumentVersion(models.Model):
    """One encrypted version: where its blob is, its wrapped data key and facts about its plaintext.

    ``key_id`` (random) is the context bound into the stream and the key wrap. ``wrapped_key`` is set
    to NULL when the version is crypto-shredded; the blob is then deleted too.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    kek_id = models.CharField(_("key-encryption key"), max_length=64, db_index=True, blank=True)
    wrapped_key = models.BinaryField(_("wrapped data key"), null=True)
    blob_key = models.CharField(_("blob"), max_length=32, unique=True)
    stored_size = models.PositiveBigIntegerField(_("stored size"))
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    mime_type = models.CharField(_("type"), max_length=100, choices=FileType.choices)
    classification = models.IntegerField(_("classification when stored"), choices=Classification.choices)
    filename = models.CharField(_("file name"), max_length=200)
    restored_from = models.ForeignKey(
        "self", verbose_name=_("restored from"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    shredded_at = models.DateTimeField(_("shredded at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="vault_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.document_id} v{self.number}"


class Share(models.Model):
    """A document shared with one unit, one user or one partner organisation; may expire; revocable."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="shares")
    organisation = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("unit or partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vault_shares",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vault_shares",
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shared by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organisation__isnull=False, user__isnull=True))
                | (models.Q(organisation__isnull=True, user__isnull=False)),
                name="vault_share_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"share #{self.pk}"

    @property
    def is_active(self) -> bool:
        """True while neither revoked nor expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class Comment(models.Model):
    """A comment on a document (readable by whoever may read the document)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class LegalHold(models.Model):
    """A legal hold: while one is in force the document cannot be disposed of."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"hold #{self.pk}"


class DisposalRecord(models.Model):
    """What a disposal destroyed: which versions' data keys and blobs, when and under which rule."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="disposals"
    )
    disposed_at = models.DateTimeField(_("disposed at"), default=timezone.now)
    version_key_ids = models.JSONField(_("destroyed data keys (key ids)"), default=list)
    blob_keys = models.JSONField(_("deleted blobs"), default=list)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-disposed_at"]
        verbose_name = _("disposal record")
        verbose_name_plural = _("disposal records")

    def __str__(self) -> str:
        return f"disposal #{self.pk}"
