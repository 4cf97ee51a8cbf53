"""Publishing live events. Domains call :func:`events_publish` from their services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from chancery.platform.events import wakeup
from chancery.platform.events.models import Event

MAX_KINDS_LENGTH = 64


def _insert(user_ids: list[int], kind: str, payload: dict[str, Any]) -> None:
    Event.objects.bulk_create([Event(user_id=user_id, kind=kind, payload=payload) for user_id in user_ids])
    wakeup.signal(user_ids)


def events_publish(*, user_ids: Iterable[int], kind: str, payload: Mapping[str, Any]) -> None:
    """Persist one event of ``kind`` for each user once the caller's transaction commits.

    Needs the recipients' ids, a kind such as ``"cable.delivered"`` and a JSON payload of references and
    markings (never classified text). Emits nothing if the caller's transaction rolls back; outside a
    transaction the events are written at once. Then wakes the recipients' open streams (this process's
    directly; other processes' through Redis or PostgreSQL when configured, see ``events.wakeup``).
    """
    if len(kind) > MAX_KINDS_LENGTH or not kind:
        msg = "an event kind is 1-64 characters"
        raise ValueError(msg)
    recipients = sorted({int(user_id) for user_id in user_ids})
    if not recipients:
        return
    frozen = dict(payload)
    transaction.on_commit(lambda: _insert(recipients, kind, frozen))


def events_purge(*, older_than: timedelta) -> int:
    """Delete every live event created more than ``older_than`` ago; return how many were deleted.

    Needs a positive age. Events are a delivery queue, not a record (audit and the transparency log keep
    what happened), so a client that reconnects after this age simply starts from the newest event.
    """
    if older_than <= timedelta(0):
        msg = "the retention age must be positive"
        raise ValueError(msg)
    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
