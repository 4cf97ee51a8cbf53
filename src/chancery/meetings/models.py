"""A scheduled video meeting (one Jitsi room) and its participants.

The title is stored in clear: it is shown in calendars and invitations, so it must not carry classified
text (a meeting started from a cable is titled with the cable's number only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    """One video meeting: an unguessable Jitsi room name, a time window and who organised it."""

    title = models.CharField(_("title"), max_length=200)
    room = models.CharField(_("room"), max_length=64, unique=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    cable = models.ForeignKey(
        "cables.Cable",
        verbose_name=_("cable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    source = models.CharField(_("started from"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Participant(models.Model):
    """A user invited to a meeting; moderators may mute and remove others in Jitsi."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="meeting_seats"
    )
    moderator = models.BooleanField(_("moderator"), default=False)

    class Meta:
        ordering = ["-moderator", "user__username"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_participant_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"
