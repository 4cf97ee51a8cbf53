"""Every vault rule asked directly: the allowed user, a user in another role, a user at another mission."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.identity.enums import Role
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP, Classification
from chancery.vault.models import Document
from chancery.vault.permissions import DocumentDraft
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    ministry = OrganisationFactory(code="mofa", kind="ministry")
    tokyo = MissionFactory(code="emb-tokyo", parent=ministry, country_code="JP", city="Tokyo")
    paris = MissionFactory(code="emb-paris", parent=ministry, country_code="FR", city="Paris")
    partner = OrganisationFactory(code="partner-jp", kind="partner_ministry")

    def actor(name: str, role: str, organisation: Any, clearance: int = Classification.SECRET) -> Actor:
        return Actor.from_user(UserFactory(username=name, role=role, organisation=organisation, clearance=clearance))

    actors = {
        "tokyo_officer": actor("tokyo-off", Role.MISSION_OFFICER, tokyo),
        "tokyo_partner_role": actor("tokyo-partner", Role.PARTNER, tokyo, Classification.INTERNAL),
        "paris_officer": actor("paris-off", Role.MISSION_OFFICER, paris),
        "hq_security": actor("hq-sec", Role.SECURITY_OFFICER, ministry),
        "hq_admin": actor("hq-admin", Role.ADMINISTRATOR, ministry),
        "partner": actor("partner", Role.PARTNER, partner, Classification.INTERNAL),
    }
    creator = UserFactory(username="creator", organisation=tokyo, clearance=Classification.SECRET)
    document = Document.objects.create(
        title_en="t",
        title_vi="t",
        classification=Classification.INTERNAL,
        tlp=TLP.AMBER,
        owning_unit=tokyo,
        created_by=creator,
    )
    draft = DocumentDraft(owning_unit_id=tokyo.pk, classification=Classification.INTERNAL)
    return {"actors": actors, "document": document, "draft": draft}


CASES = [
    # action, object, allowed, other role, other mission
    ("vault.view", "document", "tokyo_officer", "tokyo_partner_role", "paris_officer"),
    ("vault.download", "document", "tokyo_officer", "tokyo_partner_role", "paris_officer"),
    ("vault.upload", "draft", "tokyo_officer", "tokyo_partner_role", "paris_officer"),
    ("vault.edit", "document", "tokyo_officer", "tokyo_partner_role", "paris_officer"),
    ("vault.share", "document", "tokyo_officer", "tokyo_partner_role", "paris_officer"),
    ("vault.comment", "document", "tokyo_officer", "partner", "paris_officer"),
    ("vault.retention", None, "hq_security", "tokyo_officer", "partner"),
    ("vault.keys", None, "hq_admin", "hq_security", "partner"),
]


@pytest.mark.parametrize(("action", "target", "allowed", "other_role", "other_mission"), CASES)
def test_rule_allows_only_the_right_user(
    world: dict[str, Any], action: str, target: str | None, allowed: str, other_role: str, other_mission: str
) -> None:
    obj = world[target] if target else None
    actors = world["actors"]
    assert access.can(actors[allowed], action, obj)
    assert not access.can(actors[other_role], action, obj)
    assert not access.can(actors[other_mission], action, obj)


def test_every_vault_rule_is_in_the_table() -> None:
    vault_rules = {a for a in access.registered_actions() if a.startswith("vault.")}
    assert vault_rules == {case[0] for case in CASES}
