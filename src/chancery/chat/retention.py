"""Retention: the purge job deletes messages older than their channel's retention, unless on legal hold."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chancery.audit.services import audit_record
from chancery.chat.models import Channel, Message
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied


def retention_purge(*, actor: Actor) -> dict[int, int]:
    """Delete every message older than its channel's ``retention_days``; return {channel id: count}.

    For the system actor (the scheduled task ``chat.tasks.purge_expired``). Channels on legal hold and
    channels without a retention period are skipped. One transaction; per channel that lost messages it
    emits ``chat.messages_purged`` with the count and the cut-off (never any content). Idempotent.
    """
    if not actor.is_system:
        raise PermissionDenied
    now = timezone.now()
    purged: dict[int, int] = {}
    with transaction.atomic():
        channels = Channel.objects.select_for_update().filter(retention_days__isnull=False, legal_hold_at__isnull=True)
        for channel in channels:
            cutoff = now - timedelta(days=int(channel.retention_days or 0))
            deleted, _rows = Message.objects.filter(channel_id=channel.pk, created_at__lt=cutoff).delete()
            if not deleted:
                continue
            purged[channel.pk] = deleted
            audit_record(
                actor=actor,
                action="chat.messages_purged",
                object_type="chat.channel",
                object_id=channel.pk,
                classification=channel.ceiling,
                detail={"count": deleted, "cutoff": cutoff.isoformat(), "retention_days": channel.retention_days},
            )
    return purged
