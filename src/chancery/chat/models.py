"""Channels, their explicit members, per-member read markers and messages.

Message bodies are sealed (AES-256-GCM under a per-channel data key wrapped by the vault's keyring, see
:mod:`chancery.chat.sealing`); markings, authors, times and vault document ids stay plain so that the
policy engine, unread counts and the retention job work without decrypting anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.chat.enums import ChannelKind
from chancery.platform.enums import Classification


class Channel(models.Model):
    """A conversation space with a classification ceiling, a retention period and an optional legal hold.

    ``organisation`` is the channel's home unit: the unit or mission whose members make up a unit or
    mission channel, and the creator's unit for topic channels and direct messages.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)
    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="chat_channels"
    )
    ceiling = models.IntegerField(_("classification ceiling"), choices=Classification.choices)
    direct_key = models.CharField(_("direct-message pair"), max_length=64, null=True, blank=True, unique=True)
    retention_days = models.PositiveIntegerField(_("retention (days)"), null=True, blank=True)
    legal_hold_at = models.DateTimeField(_("legal hold placed at"), null=True, blank=True)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal hold placed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_legal_holds",
    )
    legal_hold_reason = models.CharField(_("legal hold reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="chat_channels"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    key_id = models.CharField(_("key id"), max_length=32)
    kek_id = models.CharField(_("key-encryption key id"), max_length=64)
    wrapped_key = models.BinaryField(_("wrapped data key"))

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.CheckConstraint(condition=models.Q(ceiling__in=Classification.values), name="chat_ceiling_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=ChannelKind.values), name="chat_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def on_legal_hold(self) -> bool:
        """True while a legal hold suspends purging."""
        return self.legal_hold_at is not None


class Membership(models.Model):
    """An explicit member of a topic channel or a direct conversation; admins manage the channel."""

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="chat_memberships"
    )
    is_admin = models.BooleanField(_("channel admin"), default=False)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("channel member")
        verbose_name_plural = _("channel members")
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="chat_membership_unique")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.user_id}"


class ReadMarker(models.Model):
    """The newest message a member has seen in a channel (unread = newer messages by others)."""

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="markers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="chat_markers"
    )
    last_read_id = models.PositiveBigIntegerField(_("last message read"), default=0)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="chat_marker_unique")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.user_id}@{self.last_read_id}"


class Message(models.Model):
    """One message: its marking and author in clear, its body sealed, vault attachments by id."""

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="chat_messages"
    )
    classification = models.IntegerField(_("classification"), choices=Classification.choices)
    body_sealed = models.BinaryField(_("body (sealed)"))
    attachment_ids = models.JSONField(_("vault documents attached"), default=list)
    mentioned_ids = models.JSONField(_("members mentioned"), default=list)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["channel", "created_at"], name="chat_message_channel_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values), name="chat_message_classification_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.pk}"
