"""Each cable rule with three users: allowed, other role, other mission; listings agree with the rules."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.cables.models import Cable
from chancery.cables.permissions import CableDraft
from chancery.cables.selectors import cable_list, cable_view
from chancery.cables.services import (
    cable_acknowledge,
    cable_clear,
    cable_create,
    cable_release,
    cable_return,
    cable_submit,
)
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound, PermissionDenied
from tests.cables.conftest import content
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _user(username: str, role: str, organisation: Organisation, clearance: int = Classification.SECRET) -> User:
    return UserFactory(username=username, role=role, organisation=organisation, clearance=clearance)


def test_draft_rule(drafter: User, mission_tokyo: Organisation, mission_berlin: Organisation) -> None:
    press = _user("tokyo-press", "press_officer", mission_tokyo)
    low = _user("tokyo-low", "desk_officer", mission_tokyo, Classification.INTERNAL)
    secret = CableDraft(classification=Classification.SECRET)
    assert access.can(actor_of(drafter), "cables.draft", secret)
    assert not access.can(actor_of(press), "cables.draft", secret)
    assert not access.can(actor_of(low), "cables.draft", secret)
    with pytest.raises(PermissionDenied):
        cable_create(actor=actor_of(press), content=content())
    assert Cable.objects.count() == 0


def test_partner_never_drafts(drafter: User) -> None:
    partner_org = Organisation.objects.create(code="partner-x", name_en="X", name_vi="X", kind="partner_ministry")
    partner = _user("partner", "partner", partner_org)
    assert not access.can(actor_of(partner), "cables.draft")


def test_edit_and_submit_only_by_the_drafter(drafter: User, mission_tokyo: Organisation, outsider: User) -> None:
    colleague = _user("tokyo-colleague", "desk_officer", mission_tokyo)
    cable = cable_create(actor=actor_of(drafter), content=content())
    assert access.can(actor_of(drafter), "cables.edit", cable)
    assert not access.can(actor_of(colleague), "cables.edit", cable)
    assert not access.can(actor_of(outsider), "cables.edit", cable)
    with pytest.raises(PermissionDenied):
        cable_submit(actor=actor_of(colleague), cable_id=cable.pk)
    cable.refresh_from_db()
    assert cable.state == "draft"


def test_clear_rule(drafter: User, clearer: User, asia_department: Organisation, outsider: User) -> None:
    analyst_elsewhere = outsider
    press_in_asia = _user("asia-press", "press_officer", asia_department)
    cable = cable_create(actor=actor_of(drafter), content=content())
    assert not access.can(actor_of(clearer), "cables.clear", cable)  # still a draft
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable.refresh_from_db()
    assert access.can(actor_of(clearer), "cables.clear", cable)
    assert not access.can(actor_of(press_in_asia), "cables.clear", cable)
    assert not access.can(actor_of(analyst_elsewhere), "cables.clear", cable)
    assert not access.can(actor_of(drafter), "cables.clear", cable)
    with pytest.raises(PermissionDenied):
        cable_clear(actor=actor_of(analyst_elsewhere), cable_id=cable.pk)
    with pytest.raises(PermissionDenied):
        cable_return(actor=actor_of(press_in_asia), cable_id=cable.pk, comment="no")
    cable.refresh_from_db()
    assert cable.state == "in_clearance"


def test_release_rule(
    drafter: User, clearer: User, approver: User, mission_paris: Organisation, mission_tokyo: Organisation
) -> None:
    other_post_admin = _user("paris-head", "administrator", mission_paris)
    low_admin = _user("tokyo-low-head", "administrator", mission_tokyo, Classification.INTERNAL)
    cable = cable_create(actor=actor_of(drafter), content=content())
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable.refresh_from_db()
    assert not access.can(actor_of(approver), "cables.release", cable)  # not cleared yet
    cable_clear(actor=actor_of(clearer), cable_id=cable.pk)
    cable.refresh_from_db()
    assert access.can(actor_of(approver), "cables.release", cable)
    assert not access.can(actor_of(drafter), "cables.release", cable)  # other role (and four eyes)
    assert not access.can(actor_of(other_post_admin), "cables.release", cable)  # other mission
    assert not access.can(actor_of(low_admin), "cables.release", cable)  # clearance too low
    with pytest.raises(PermissionDenied):
        cable_release(actor=actor_of(other_post_admin), cable_id=cable.pk)
    cable.refresh_from_db()
    assert cable.state == "cleared"
    assert cable.number is None
    assert cable.deliveries.count() == 0


def test_approver_who_drafted_cannot_release_own_cable(
    mission_tokyo: Organisation, asia_department: Organisation, mission_paris: Organisation, settings: Any
) -> None:
    settings.CABLE_APPROVER_ROLES = ["desk_officer"]
    head = _user("tokyo-desk-head", "desk_officer", mission_tokyo)
    cable = cable_create(actor=actor_of(head), content=content(clearer_codes=[]))
    cable_submit(actor=actor_of(head), cable_id=cable.pk)
    cable.refresh_from_db()
    assert not access.can(actor_of(head), "cables.release", cable)


def test_view_and_acknowledge_rules(
    make_released: Any, recipient: User, outsider: User, mission_paris: Organisation
) -> None:
    low = _user("paris-low", "mission_officer", mission_paris, Classification.INTERNAL)
    cable = make_released()
    assert access.can(actor_of(recipient), "cables.view", cable)
    assert access.can(actor_of(recipient), "cables.acknowledge", cable)
    assert not access.can(actor_of(low), "cables.view", cable)  # same mission, clearance too low
    assert not access.can(actor_of(low), "cables.acknowledge", cable)
    assert not access.can(actor_of(outsider), "cables.view", cable)  # other mission
    assert not access.can(actor_of(outsider), "cables.acknowledge", cable)
    with pytest.raises(NotFound):
        cable_view(actor=actor_of(outsider), cable_id=cable.pk)
    with pytest.raises(PermissionDenied):
        cable_acknowledge(actor=actor_of(outsider), cable_id=cable.pk)
    assert list(cable_list(actor=actor_of(low), box="inbox")) == []
    assert list(cable_list(actor=actor_of(outsider), box="inbox")) == []


def test_info_addressee_reads_but_does_not_acknowledge(make_released: Any, outsider: User) -> None:
    cable = make_released(info_codes=["emb-berlin"])
    assert access.can(actor_of(outsider), "cables.view", cable)
    assert not access.can(actor_of(outsider), "cables.acknowledge", cable)


def test_addressees_do_not_see_drafts(drafter: User, recipient: User, clearer: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content())
    assert not access.can(actor_of(recipient), "cables.view", cable)
    assert not access.can(actor_of(clearer), "cables.view", cable)  # not yet submitted
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable.refresh_from_db()
    assert access.can(actor_of(clearer), "cables.view", cable)
    assert not access.can(actor_of(recipient), "cables.view", cable)


def test_listing_filter_agrees_with_rule(
    make_released: Any, drafter: User, clearer: User, approver: User, recipient: User, outsider: User
) -> None:
    make_released()
    cable_create(actor=actor_of(drafter), content=content())
    for user in (drafter, clearer, approver, recipient, outsider):
        actor = actor_of(user)
        listed = set(access.visible(actor, "cables.view", Cable.objects.all()))
        allowed = {cable for cable in Cable.objects.all() if access.can(actor, "cables.view", cable)}
        assert listed == allowed, user.username


def test_approver_of_the_unit_above_releases(
    drafter: User, clearer: User, ministry: Organisation, mission_paris: Organisation
) -> None:
    minister_office = _user("mofa-head", "administrator", ministry)
    cable = cable_create(actor=actor_of(drafter), content=content())
    assert not access.can(actor_of(minister_office), "cables.view", cable)  # still a draft
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable_clear(actor=actor_of(clearer), cable_id=cable.pk)
    cable.refresh_from_db()
    assert access.can(actor_of(minister_office), "cables.view", cable)
    assert access.can(actor_of(minister_office), "cables.release", cable)
    assert cable_release(actor=actor_of(minister_office), cable_id=cable.pk).state == "delivered"
