"""Retention with a frozen clock: the purge job deletes old messages, a legal hold blocks it, lifting resumes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from chancery.audit.models import AuditEvent
from chancery.chat import tasks
from chancery.chat.models import Channel, Message
from chancery.chat.retention import retention_purge
from chancery.chat.services import channel_retention_set, legal_hold_lift, legal_hold_place, message_post
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, PermissionDenied
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SYSTEM = Actor.system(purpose="chat.retention")


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Freeze ``django.utils.timezone.now`` (what the services read) at ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _post_at(moment: datetime, user: User, channel: Channel, body: str) -> Message:
    with frozen(moment):
        return message_post(actor=actor_of(user), channel_id=channel.pk, body=body, classification=0)


def _bodies_left(channel: Channel) -> int:
    return Message.objects.filter(channel_id=channel.pk).count()


def test_retention_purges_legal_hold_blocks_and_lifting_resumes(
    tokyo_channel: Channel, desk_officer: User, security_officer: User
) -> None:
    channel_retention_set(actor=actor_of(desk_officer), channel_id=tokyo_channel.pk, retention_days=30)
    _post_at(START, desk_officer, tokyo_channel, "old")
    _post_at(START + timedelta(days=20), desk_officer, tokyo_channel, "recent")

    with frozen(START + timedelta(days=29)):
        assert retention_purge(actor=SYSTEM) == {}
    assert _bodies_left(tokyo_channel) == 2

    legal_hold_place(actor=actor_of(security_officer), channel_id=tokyo_channel.pk, reason="Inquiry 2026/17")
    with frozen(START + timedelta(days=60)):
        assert retention_purge(actor=SYSTEM) == {}
    assert _bodies_left(tokyo_channel) == 2  # the hold suspends purging, however old the messages

    legal_hold_lift(actor=actor_of(security_officer), channel_id=tokyo_channel.pk)
    with frozen(START + timedelta(days=31)):
        assert retention_purge(actor=SYSTEM) == {tokyo_channel.pk: 1}
    assert _bodies_left(tokyo_channel) == 1
    purged = AuditEvent.objects.get(action="chat.messages_purged")
    assert purged.detail["count"] == 1
    assert purged.object_id == str(tokyo_channel.pk)
    assert "old" not in str(purged.detail.get("cutoff"))


def test_the_scheduled_task_purges_as_the_system(tokyo_channel: Channel, desk_officer: User) -> None:
    channel_retention_set(actor=actor_of(desk_officer), channel_id=tokyo_channel.pk, retention_days=1)
    _post_at(START, desk_officer, tokyo_channel, "one")
    _post_at(START, desk_officer, tokyo_channel, "two")
    with frozen(START + timedelta(days=2)):
        result = tasks.purge_expired.enqueue()
    assert result.return_value == 2
    assert _bodies_left(tokyo_channel) == 0
    assert AuditEvent.objects.get(action="chat.messages_purged").actor_username == "system:chat.retention"


def test_channels_without_retention_keep_everything(tokyo_channel: Channel, desk_officer: User) -> None:
    _post_at(START, desk_officer, tokyo_channel, "kept")
    with frozen(START + timedelta(days=5000)):
        assert retention_purge(actor=SYSTEM) == {}
    assert _bodies_left(tokyo_channel) == 1


def test_only_the_system_purges_and_only_security_officers_hold(
    tokyo_channel: Channel, desk_officer: User, colleague: User
) -> None:
    with pytest.raises(PermissionDenied):
        retention_purge(actor=actor_of(desk_officer))
    with pytest.raises(PermissionDenied):
        legal_hold_place(actor=actor_of(colleague), channel_id=tokyo_channel.pk, reason="no")
    tokyo_channel.refresh_from_db()
    assert not tokyo_channel.on_legal_hold


def test_bad_retention_and_hold_requests_are_refused(
    tokyo_channel: Channel, desk_officer: User, security_officer: User, colleague: User
) -> None:
    with pytest.raises(InvalidInput):
        channel_retention_set(actor=actor_of(desk_officer), channel_id=tokyo_channel.pk, retention_days=0)
    with pytest.raises(PermissionDenied):  # a plain member of a mission channel does not manage it
        channel_retention_set(actor=actor_of(colleague), channel_id=tokyo_channel.pk, retention_days=10)
    with pytest.raises(InvalidInput):
        legal_hold_place(actor=actor_of(security_officer), channel_id=tokyo_channel.pk, reason=" ")
    with pytest.raises(Conflict):
        legal_hold_lift(actor=actor_of(security_officer), channel_id=tokyo_channel.pk)
    tokyo_channel.refresh_from_db()
    assert tokyo_channel.retention_days is None


def test_the_purge_is_registered_as_an_hourly_job() -> None:
    from chancery.platform.schedule import periodics

    [job] = [job for job in periodics() if job.name == "chat.retention"]
    assert job.task is tasks.purge_expired
    assert job.every == timedelta(hours=1)
