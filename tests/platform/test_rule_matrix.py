"""Every rule of the policy engine, asked directly: the allowed user, a user in another role, and a user at
another mission (or, where missions do not matter, an external partner). Domain tests go deeper; this
table makes sure no rule is left without its three cases."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest

from chancery.identity.enums import Role
from chancery.identity.models import MfaResetRequest, User
from chancery.identity.permissions import LockTarget
from chancery.missions.models import Organisation, PostReport
from chancery.missions.permissions import ReportDraft
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    ministry: Organisation
    tokyo: Organisation
    paris: Organisation
    partner: Organisation
    actors: dict[str, Actor]
    objects: dict[str, Any]


def _actor(username: str, role: str, organisation: Organisation, clearance: int = Classification.SECRET) -> Actor:
    return Actor.from_user(UserFactory(username=username, role=role, organisation=organisation, clearance=clearance))


@pytest.fixture
def world() -> World:
    ministry = OrganisationFactory(code="mofa", kind="ministry")
    tokyo = MissionFactory(code="emb-tokyo", parent=ministry, country_code="JP", city="Tokyo")
    paris = MissionFactory(code="emb-paris", parent=ministry, country_code="FR", city="Paris")
    partner = OrganisationFactory(code="partner-jp", kind="partner_ministry", country_code="JP")
    actors = {
        "admin": _actor("admin", Role.ADMINISTRATOR, ministry),
        "hq_security": _actor("hq-sec", Role.SECURITY_OFFICER, ministry),
        "tokyo_security": _actor("tokyo-sec", Role.SECURITY_OFFICER, tokyo),
        "paris_security": _actor("paris-sec", Role.SECURITY_OFFICER, paris),
        "tokyo_officer": _actor("tokyo-off", Role.MISSION_OFFICER, tokyo),
        "paris_officer": _actor("paris-off", Role.MISSION_OFFICER, paris),
        "tokyo_press": _actor("tokyo-press", Role.PRESS_OFFICER, tokyo),
        "partner": _actor("partner", Role.PARTNER, partner, Classification.INTERNAL),
        "system": Actor.system(purpose="tests"),
    }
    officer = actors["tokyo_officer"]
    actors["tokyo_officer_via_token"] = Actor(
        user_id=officer.user_id,
        username=officer.username,
        role=officer.role,
        clearance=officer.clearance,
        organisation_id=officer.organisation_id,
        organisation_kind=officer.organisation_kind,
        scopes=frozenset({"identity:admin"}),
        token_id=1,
    )
    tokyo_user = UserFactory(username="tokyo-clerk", role=Role.DESK_OFFICER, organisation=tokyo)
    report = PostReport.objects.create(
        mission=tokyo,
        title_en="t",
        title_vi="t",
        body="b",
        classification=Classification.CONFIDENTIAL,
        tlp=TLP.AMBER,
        author_id=actors["tokyo_officer"].user_id,
    )
    objects = {
        "tokyo_user": tokyo_user,
        "tokyo_lock": LockTarget(username="tokyo-clerk", user=tokyo_user),
        "tokyo_report": report,
        "tokyo_draft": ReportDraft(
            mission_id=tokyo.pk, classification=Classification.INTERNAL, compartments=frozenset()
        ),
        "tokyo": tokyo,
        "ministry": ministry,
        # Filed by Tokyo's security officer: a second officer must approve it.
        "tokyo_mfa_reset": MfaResetRequest(
            user=tokyo_user,
            requested_by_id=actors["tokyo_security"].user_id,
            identity_evidence="Passport checked in person",
        ),
    }
    return World(ministry, tokyo, paris, partner, actors, objects)


@dataclass(frozen=True)
class Case:
    action: str
    obj: str | None
    allowed: str
    other_role: str
    other_place: str


CASES = [
    Case("audit.view", None, "hq_security", "tokyo_officer", "partner"),
    Case("audit.export", None, "admin", "tokyo_press", "partner"),
    Case("audit.ship", None, "system", "admin", "hq_security"),
    Case("identity.unlock", "tokyo_lock", "tokyo_security", "tokyo_officer", "paris_security"),
    Case("identity.change_clearance", "tokyo_user", "tokyo_security", "tokyo_press", "paris_security"),
    Case("identity.manage_users", "tokyo_user", "admin", "hq_security", "partner"),
    Case("identity.end_sessions", "tokyo_user", "tokyo_security", "tokyo_officer", "paris_security"),
    Case("identity.end_all_sessions", None, "hq_security", "tokyo_press", ""),
    Case("identity.reset_password", "tokyo_user", "tokyo_security", "tokyo_press", "paris_security"),
    Case("identity.request_mfa_reset", "tokyo_user", "tokyo_security", "tokyo_officer", "paris_security"),
    Case("identity.approve_mfa_reset", "tokyo_mfa_reset", "admin", "tokyo_officer", "paris_security"),
    # Tokens are personal: anyone signed in (partners too) manages their own, never through a token.
    Case("identity.token_create", None, "partner", "tokyo_officer_via_token", ""),
    Case("identity.token_list", None, "paris_officer", "tokyo_officer_via_token", ""),
    Case("missions.view", "tokyo", "paris_officer", "", "partner"),
    Case("missions.view_report", "tokyo_report", "tokyo_press", "partner", "paris_officer"),
    Case("missions.create_report", "tokyo_draft", "tokyo_officer", "tokyo_press", "paris_officer"),
    Case("missions.manage", None, "admin", "hq_security", "partner"),
    Case("transparency.prove", None, "tokyo_officer", "", ""),
    Case("transparency.view_entry", None, "hq_security", "tokyo_officer", "partner"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.action for case in CASES])
def test_rule_allows_exactly_the_right_user(world: World, case: Case) -> None:
    obj = world.objects[case.obj] if case.obj else None
    assert access.can(world.actors[case.allowed], case.action, obj), f"{case.allowed} should be allowed"
    for denied in (case.other_role, case.other_place):
        if denied:
            assert not access.can(world.actors[denied], case.action, obj), f"{denied} should be refused"
    assert not access.can(Actor.anonymous(), case.action, obj), "anonymous must be refused"


def test_the_requester_of_a_second_factor_reset_cannot_approve_it(world: World) -> None:
    request = world.objects["tokyo_mfa_reset"]
    assert not access.can(world.actors["tokyo_security"], "identity.approve_mfa_reset", request)
    assert access.can(world.actors["hq_security"], "identity.approve_mfa_reset", request)


def test_a_security_officer_cannot_reset_an_officers_password(world: World) -> None:
    hq_officer = User.objects.get(pk=world.actors["hq_security"].user_id)
    assert not access.can(world.actors["tokyo_security"], "identity.reset_password", hq_officer)
    assert access.can(world.actors["admin"], "identity.reset_password", hq_officer)


def test_token_scopes_narrow_every_rule(world: World) -> None:
    read_only = dataclasses.replace(world.actors["hq_security"], scopes=frozenset({"audit:read"}))
    assert access.can(read_only, "audit.view")
    assert not access.can(read_only, "transparency.view_entry")  # needs transparency:read


def test_every_foundation_rule_is_in_the_table() -> None:
    covered = {case.action for case in CASES}
    foundation = {
        a for a in access.registered_actions() if a.split(".")[0] in {"audit", "identity", "missions", "transparency"}
    }
    assert foundation - covered <= {"identity.token_revoke"}  # token objects: tests/api/test_tokens.py
