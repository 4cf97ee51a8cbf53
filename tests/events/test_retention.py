"""Live events past their retention are purged by a scheduled job; newer ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chancery.identity.models import User
from chancery.platform.events.models import Event
from chancery.platform.events.services import events_purge
from chancery.platform.events.tasks import purge_old_events
from chancery.platform.schedule import periodics

pytestmark = pytest.mark.django_db


def _event(user: User, *, age: timedelta) -> Event:
    return Event.objects.create(
        user=user, kind="cable.delivered", payload={"cable": 1}, created_at=timezone.now() - age
    )


def test_purge_deletes_only_events_older_than_the_age(desk_officer: User) -> None:
    old = _event(desk_officer, age=timedelta(days=8))
    fresh = _event(desk_officer, age=timedelta(days=6))
    assert events_purge(older_than=timedelta(days=7)) == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Event.objects.filter(pk=old.pk).exists()


def test_the_scheduled_task_uses_the_retention_setting(desk_officer: User, settings: object) -> None:
    settings.EVENTS_RETENTION_DAYS = 2  # type: ignore[attr-defined]
    _event(desk_officer, age=timedelta(days=3))
    kept = _event(desk_officer, age=timedelta(days=1))
    assert purge_old_events.call() == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
    assert "events.retention" in {job.name for job in periodics()}


@pytest.mark.parametrize("age", [timedelta(0), timedelta(days=-1)])
def test_a_non_positive_age_is_refused(age: timedelta) -> None:
    with pytest.raises(ValueError, match="positive"):
        events_purge(older_than=age)
