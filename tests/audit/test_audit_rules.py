"""audit.view / audit.export: administrators and security officers only; missions see their own people."""

from __future__ import annotations

import pytest

from chancery.audit.models import AuditEvent
from chancery.audit.selectors import AuditFilters, audit_event_list
from chancery.audit.services import audit_event_export, audit_record
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(desk_officer: User, other_mission_officer: User) -> list[AuditEvent]:
    return [
        audit_record(actor=actor_of(desk_officer), action="test.tokyo"),
        audit_record(actor=actor_of(other_mission_officer), action="test.paris"),
    ]


@pytest.mark.parametrize("action", ["audit.view", "audit.export"])
def test_security_officer_allowed(security_officer: User, action: str) -> None:
    assert access.can(actor_of(security_officer), action)


@pytest.mark.parametrize("action", ["audit.view", "audit.export"])
def test_administrator_allowed(mission_paris: Organisation, action: str) -> None:
    admin = UserFactory(username="admin", role="administrator", organisation=mission_paris)
    assert access.can(actor_of(admin), action)


@pytest.mark.parametrize("action", ["audit.view", "audit.export"])
def test_other_role_refused(desk_officer: User, action: str) -> None:
    assert not access.can(actor_of(desk_officer), action)
    with pytest.raises(PermissionDenied):
        access.require(actor_of(desk_officer), action)


def test_other_role_cannot_list_or_export(desk_officer: User, events: list[AuditEvent]) -> None:
    with pytest.raises(PermissionDenied):
        audit_event_list(actor=actor_of(desk_officer), filters=AuditFilters())
    with pytest.raises(PermissionDenied):
        audit_event_export(actor=actor_of(desk_officer), filters=AuditFilters())
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_headquarters_officer_sees_every_mission(security_officer: User, events: list[AuditEvent]) -> None:
    seen = audit_event_list(actor=actor_of(security_officer), filters=AuditFilters(action="test."))
    assert {event.action for event in seen} == {"test.tokyo", "test.paris"}


def test_other_mission_officer_sees_only_own_mission(mission_paris: Organisation, events: list[AuditEvent]) -> None:
    paris_officer = UserFactory(username="paris-secoff", role="security_officer", organisation=mission_paris)
    seen = audit_event_list(actor=actor_of(paris_officer), filters=AuditFilters(action="test."))
    assert [event.action for event in seen] == ["test.paris"]
    rows = list(audit_event_export(actor=actor_of(paris_officer), filters=AuditFilters(action="test.")))
    assert [row[3] for row in rows[1:]] == ["test.paris"]


def test_administrator_at_a_mission_sees_everything(mission_paris: Organisation, events: list[AuditEvent]) -> None:
    admin = UserFactory(username="admin", role="administrator", organisation=mission_paris)
    seen = audit_event_list(actor=actor_of(admin), filters=AuditFilters(action="test."))
    assert {event.action for event in seen} == {"test.tokyo", "test.paris"}


def test_events_record_the_actors_organisation(desk_officer: User, events: list[AuditEvent]) -> None:
    assert events[0].actor_organisation_id == desk_officer.organisation_id
