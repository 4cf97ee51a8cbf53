"""FLASH and NIACT IMMEDIATE: unacknowledged action copies escalate to the post's alert roster, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.cables.models import Delivery
from chancery.cables.services import cable_acknowledge, cable_escalate_overdue
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import PermissionDenied
from chancery.platform.events.models import Event
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="test")


def _overdue(cable_id: int) -> None:
    Delivery.objects.filter(cable_id=cable_id).update(ack_due_at=timezone.now() - timedelta(minutes=1))


def test_overdue_flash_escalates_once_to_the_roster(
    make_released: Any, recipient: User, drafter: User, mission_paris: Organisation
) -> None:
    head = UserFactory(username="paris-head", role="administrator", organisation=mission_paris, clearance=30)
    low_head = UserFactory(
        username="paris-low", role="administrator", organisation=mission_paris, clearance=Classification.INTERNAL
    )
    cable = make_released(precedence="FLASH")
    assert cable_escalate_overdue(actor=SYSTEM) == 0  # not due yet
    _overdue(cable.pk)
    assert cable_escalate_overdue(actor=SYSTEM) == 1
    assert cable_escalate_overdue(actor=SYSTEM) == 0  # once
    escalated = set(Event.objects.filter(kind="cable.escalated").values_list("user__username", flat=True))
    assert escalated == {head.username, drafter.username}
    assert low_head.username not in escalated
    assert recipient.username not in escalated  # a mission officer is not on the roster
    assert AuditEvent.objects.filter(action="cables.escalated").count() == 1


def test_acknowledged_or_routine_copies_never_escalate(make_released: Any, recipient: User) -> None:
    acknowledged = make_released(precedence="NIACT IMMEDIATE")
    cable_acknowledge(actor=actor_of(recipient), cable_id=acknowledged.pk)
    routine = make_released(precedence="ROUTINE")
    _overdue(acknowledged.pk)
    _overdue(routine.pk)
    assert cable_escalate_overdue(actor=SYSTEM) == 0


def test_only_the_system_escalates(recipient: User) -> None:
    with pytest.raises(PermissionDenied):
        cable_escalate_overdue(actor=actor_of(recipient))
