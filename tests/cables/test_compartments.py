"""Compartments on cables: only readers holding every compartment see, clear, release or acknowledge it.

Three users per rule: allowed (holds the compartment), other unit, and the same unit without the compartment.
"""

from __future__ import annotations

from typing import Any

import pytest

from chancery.cables.models import Cable
from chancery.cables.selectors import cable_list, cable_search, cable_view
from chancery.cables.services import cable_acknowledge, cable_clear, cable_create, cable_release, cable_submit
from chancery.identity.models import User
from chancery.missions.models import Compartment, Organisation
from chancery.platform import access
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.models import Event
from tests.cables.conftest import content
from tests.cables.test_api import session
from tests.conftest import actor_of
from tests.factories import CompartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oceans() -> Compartment:
    return CompartmentFactory(code="oceans")


def _read_in(*users: User, compartment: Compartment) -> None:
    for user in users:
        user.compartments.add(compartment)


def _compartmented(drafter: User, clearer: User, approver: User, **overrides: Any) -> Cable:
    cable = cable_create(actor=actor_of(drafter), content=content(compartment_codes=["oceans"], **overrides))
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable_clear(actor=actor_of(clearer), cable_id=cable.pk)
    cable.refresh_from_db()
    return cable


def test_drafter_marks_only_with_compartments_they_hold(drafter: User, oceans: Compartment) -> None:
    with pytest.raises(PermissionDenied):
        cable_create(actor=actor_of(drafter), content=content(compartment_codes=["oceans"]))
    assert Cable.objects.count() == 0


def test_unknown_compartment_is_refused_by_field(drafter: User) -> None:
    drafter.compartments.add(CompartmentFactory(code="real"))
    with pytest.raises((InvalidInput, PermissionDenied)):
        cable_create(actor=actor_of(drafter), content=content(compartment_codes=["real", "ghost"]))
    assert Cable.objects.count() == 0


def test_clearer_without_the_compartment_cannot_clear(drafter: User, clearer: User, oceans: Compartment) -> None:
    _read_in(drafter, compartment=oceans)
    cable = cable_create(actor=actor_of(drafter), content=content(compartment_codes=["oceans"]))
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable.refresh_from_db()
    assert not access.can(actor_of(clearer), "cables.clear", cable)
    _read_in(clearer, compartment=oceans)
    assert access.can(actor_of(clearer), "cables.clear", cable)


def test_release_refused_when_an_addressee_has_nobody_read_in(
    drafter: User, clearer: User, approver: User, recipient: User, oceans: Compartment
) -> None:
    _read_in(drafter, clearer, approver, compartment=oceans)
    cable = _compartmented(drafter, clearer, approver)
    with pytest.raises(Conflict) as refused:
        cable_release(actor=actor_of(approver), cable_id=cable.pk)
    assert "emb-paris" in str(refused.value)
    cable.refresh_from_db()
    assert cable.state == "cleared"
    assert cable.number is None
    assert not cable.deliveries.exists()


def test_three_users_on_a_released_compartmented_cable(
    drafter: User,
    clearer: User,
    approver: User,
    recipient: User,
    outsider: User,
    mission_paris: Organisation,
    oceans: Compartment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Allowed (Paris, read in), same unit not read in, other unit (Berlin, read in, not addressed)."""
    not_read_in = UserFactory(
        username="paris-two", role="mission_officer", organisation=mission_paris, clearance=Classification.SECRET
    )
    _read_in(drafter, clearer, approver, recipient, outsider, compartment=oceans)
    cable = _compartmented(drafter, clearer, approver, precedence="FLASH")
    with django_capture_on_commit_callbacks(execute=True):
        cable_release(actor=actor_of(approver), cable_id=cable.pk)
    cable.refresh_from_db()

    allowed, lacking, other = actor_of(recipient), actor_of(not_read_in), actor_of(outsider)
    assert access.can(allowed, "cables.view", cable)
    assert not access.can(lacking, "cables.view", cable)
    assert not access.can(other, "cables.view", cable)
    # Inbox, search and the opened view follow the same rule.
    assert list(cable_list(actor=allowed, box="inbox")) == [cable]
    assert list(cable_list(actor=lacking, box="inbox")) == []
    assert [hit["cable"] for hit in cable_search(actor=allowed, query="ha noi")] == [cable]
    assert cable_search(actor=lacking, query="ha noi") == []
    with pytest.raises(NotFound):
        cable_view(actor=lacking, cable_id=cable.pk)
    # Acknowledgement needs the compartment too.
    assert not access.can(lacking, "cables.acknowledge", cable)
    with pytest.raises(PermissionDenied):
        cable_acknowledge(actor=lacking, cable_id=cable.pk)
    cable_acknowledge(actor=allowed, cable_id=cable.pk)
    # Live deliveries only to members read in.
    delivered_to = set(Event.objects.filter(kind="cable.delivered").values_list("user_id", flat=True))
    assert recipient.pk in delivered_to
    assert not_read_in.pk not in delivered_to


def test_compartments_shown_on_the_page_and_in_the_api(
    drafter: User, clearer: User, approver: User, recipient: User, oceans: Compartment
) -> None:
    _read_in(drafter, clearer, approver, recipient, compartment=oceans)
    cable = _compartmented(drafter, clearer, approver)
    cable_release(actor=actor_of(approver), cable_id=cable.pk)
    client = session(recipient)
    page = client.get(f"/cables/{cable.pk}/")
    assert page.status_code == 200
    assert 'id="cable-compartments">oceans<' in page.content.decode()
    api = client.get(f"/api/v1/cables/{cable.pk}")
    assert api.status_code == 200
    assert api.json()["compartments"] == ["oceans"]
    recipient.compartments.clear()
    assert client.get(f"/cables/{cable.pk}/").status_code == 404
    assert client.get(f"/api/v1/cables/{cable.pk}").status_code == 404


def test_canonical_hash_covers_compartments(
    drafter: User, clearer: User, approver: User, recipient: User, oceans: Compartment
) -> None:
    from chancery.cables import sealing
    from chancery.cables.tlog_records import cable_canonical

    _read_in(drafter, clearer, approver, recipient, compartment=oceans)
    cable = _compartmented(drafter, clearer, approver)
    released = cable_release(actor=actor_of(approver), cable_id=cable.pk)
    key = sealing.key_open(key_id=released.key_id, kek_id=released.kek_id, wrapped=released.wrapped_key)
    canonical = cable_canonical(released, key)
    assert canonical.document["compartments"] == ["oceans"]
    assert canonical.sha256 == released.content_sha256
