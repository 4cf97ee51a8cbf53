"""Log entries, stored perfect-subtree hashes, the log's head, signed checkpoints and cosignatures.

Every table here is append-only except :class:`LogHead` (one row: the current size and root), which
serialises appenders: each append locks it, so indices are gap-free and ordered under concurrency.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogEntry(models.Model):
    """One leaf: the canonical JSON (RFC 8785) of a record's references and content hashes."""

    index = models.BigIntegerField(_("index"), unique=True)
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record id"), max_length=64)
    leaf_data = models.BinaryField(_("leaf data"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["index"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"#{self.index} {self.record_type}:{self.record_id}"


class LogNode(models.Model):
    """The hash of the perfect subtree at ``(level, idx)``; level 0 holds the leaf hashes."""

    level = models.PositiveSmallIntegerField(_("level"))
    idx = models.BigIntegerField(_("index"))
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("log node")
        verbose_name_plural = _("log nodes")
        constraints = [models.UniqueConstraint(fields=["level", "idx"], name="tlog_node_unique")]

    def __str__(self) -> str:
        return f"({self.level}, {self.idx})"


class LogHead(models.Model):
    """The current tree size and root; a single row locked by every append."""

    size = models.BigIntegerField(_("size"), default=0)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    publish_pending = models.BooleanField(_("publish pending"), default=False)

    class Meta:
        verbose_name = _("log head")

    def __str__(self) -> str:
        return f"size {self.size}"


class SignedCheckpoint(models.Model):
    """A checkpoint the log signed (Ed25519 + ML-DSA-44), kept forever."""

    size = models.BigIntegerField(_("size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("signed checkpoint")
        verbose_name_plural = _("signed checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Cosignature(models.Model):
    """A witness's cosignature line (tlog-cosignature/v1) on one of the log's checkpoints."""

    checkpoint = models.ForeignKey(
        SignedCheckpoint,
        verbose_name=_("checkpoint"),
        on_delete=models.PROTECT,
        related_name="cosignatures",
    )
    witness_name = models.CharField(_("witness"), max_length=200)
    key_id = models.BigIntegerField(_("key id"))
    timestamp = models.BigIntegerField(_("timestamp"))
    signature_line = models.TextField(_("signature line"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["witness_name"]
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness_name", "key_id"], name="tlog_cosig_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.witness_name} on {self.checkpoint_id}"
