"""The demo cables: sent through the services by the demo users, marked illustrative, seeded once."""

from __future__ import annotations

import pytest

from chancery.cables.demo import DEMO_CAPTION, cables_demo_seed
from chancery.cables.models import Cable
from chancery.cables.selectors import cable_list
from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DEPARTMENTS = ["dept-northeast-asia", "dept-economic", "dept-europe", "dept-consular", "dept-press"]


def _world() -> dict[str, User]:
    ministry = OrganisationFactory(code="mofa", kind="ministry")
    units = {code: OrganisationFactory(code=code, parent=ministry) for code in DEPARTMENTS}
    units["emb-tokyo"] = MissionFactory(code="emb-tokyo", parent=ministry)
    units["cg-osaka"] = MissionFactory(code="cg-osaka", parent=ministry, kind="consulate_general", city="Osaka")
    units["emb-paris"] = MissionFactory(code="emb-paris", parent=ministry, country_code="FR", city="Paris")
    rows = [
        ("admin", "administrator", ministry, Classification.INTERNAL),
        ("desk", "desk_officer", units["dept-northeast-asia"], Classification.CONFIDENTIAL),
        ("analyst", "analyst", units["dept-economic"], Classification.SECRET),
        ("tokyo", "mission_officer", units["emb-tokyo"], Classification.SECRET),
        ("paris", "mission_officer", units["emb-paris"], Classification.INTERNAL),
    ]
    return {
        name: UserFactory(username=name, role=role, organisation=org, clearance=clearance)
        for name, role, org, clearance in rows
    }


def test_demo_traffic_is_seeded_once_and_flows() -> None:
    users = _world()
    assert cables_demo_seed() == 5
    assert cables_demo_seed() == 0
    assert Cable.objects.count() == 5
    assert all(DEMO_CAPTION in cable.captions for cable in Cable.objects.all())
    states = sorted(Cable.objects.values_list("state", flat=True))
    assert states == ["acknowledged", "delivered", "delivered", "delivered", "in_clearance"]
    assert cable_list(actor=actor_of(users["paris"]), box="inbox").count() == 1
    assert cable_list(actor=actor_of(users["desk"]), box="clearance").count() == 1
