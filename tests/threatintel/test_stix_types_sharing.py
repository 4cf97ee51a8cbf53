"""Every named STIX 2.1 type travels the whole way, and several partners share one collection.

The six types other than ``indicator`` (observed-data, malware, threat-actor, attack-pattern, report,
sighting) are built with the OASIS ``stix2`` library, stored, exported in a bundle that the same library
parses, and served over TAXII 2.1. Two partner organisations that are members of one collection both
receive the same object; a third partner outside it is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import stix2
from django.test import Client

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import TLP, Classification
from chancery.threatintel import services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, StixObject
from chancery.threatintel.stix import TLP_MARKING
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.threatintel.conftest import indicator, token_for

pytestmark = pytest.mark.django_db

MEDIA = "application/taxii+json;version=2.1"
ROOT = "/taxii2/ministry"
GREEN = [TLP_MARKING[TLP.GREEN]]
DOMAIN = stix2.v21.DomainName(value="login-mofa-gov.example")
INDICATOR = indicator("login-mofa-gov.example")


def _dict(made: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(made.serialize())
    return body


BUILDERS: dict[str, Callable[[], Any]] = {
    "observed-data": lambda: stix2.v21.ObservedData(
        first_observed="2026-03-01T08:00:00Z",
        last_observed="2026-03-01T09:00:00Z",
        number_observed=4,
        object_refs=[DOMAIN.id],
        object_marking_refs=GREEN,
    ),
    "malware": lambda: stix2.v21.Malware(
        name="CableStealer", is_family=True, malware_types=["spyware"], object_marking_refs=GREEN
    ),
    "threat-actor": lambda: stix2.v21.ThreatActor(
        name="Embassy Spear Group", threat_actor_types=["spy"], object_marking_refs=GREEN
    ),
    "attack-pattern": lambda: stix2.v21.AttackPattern(
        name="Spearphishing Link",
        external_references=[{"source_name": "mitre-attack", "external_id": "T1566.002"}],
        object_marking_refs=GREEN,
    ),
    "report": lambda: stix2.v21.Report(
        name="Credential phishing against consulates",
        published="2026-03-02T00:00:00Z",
        report_types=["campaign"],
        object_refs=[INDICATOR["id"]],
        object_marking_refs=GREEN,
    ),
    "sighting": lambda: stix2.v21.Sighting(sighting_of_ref=INDICATOR["id"], count=3, object_marking_refs=GREEN),
}


def _get(client: Client, path: str, token: str, **params: Any) -> Any:
    return client.get(path, params, headers={"authorization": f"Bearer {token}", "accept": MEDIA})


@pytest.mark.parametrize("stix_type", sorted(BUILDERS))
def test_each_named_type_is_stored_exported_and_served(
    stix_type: str, officer_client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    made = _dict(BUILDERS[stix_type]())
    assert made["type"] == stix_type
    result = services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=[made], source=Source.LOCAL
    )
    assert result.failures == []
    assert len(result.added) == 1
    stored = StixObject.objects.get(collection=collection, stix_id=made["id"])
    assert stored.stix_type == stix_type
    assert stored.tlp == TLP.GREEN
    assert stored.body == made

    exported = officer_client.get(f"/api/v1/threatintel/collections/{collection.uuid}/bundle")
    assert exported.status_code == 200
    parsed = stix2.parse(exported.content.decode(), allow_custom=False, version="2.1")
    by_id = {o.id: o for o in parsed.objects}
    assert by_id[made["id"]].type == stix_type
    assert TLP_MARKING[TLP.GREEN] in by_id  # the marking definition travels with the object

    token = token_for(partner_user, "threatintel:read")
    served = _get(client=Client(), path=f"{ROOT}/collections/{collection.uuid}/objects/", token=token)
    assert served.status_code == 200
    assert [o["id"] for o in served.json()["objects"]] == [made["id"]]
    filtered = _get(
        Client(), f"{ROOT}/collections/{collection.uuid}/objects/", token, **{"match[type]": stix_type}
    ).json()
    assert filtered["objects"] == [made]
    one = _get(Client(), f"{ROOT}/collections/{collection.uuid}/objects/{made['id']}/", token).json()
    assert one["objects"] == [made]
    stix2.parse(json.dumps(one["objects"][0]), allow_custom=False, version="2.1")


@pytest.fixture
def third_partner_user(ministry: Organisation) -> User:
    outside = OrganisationFactory(code="partner-de", kind="partner_ministry", country_code="DE")
    return UserFactory(
        username="partner-de-user", role=Role.PARTNER, organisation=outside, clearance=Classification.INTERNAL
    )


def test_two_partners_in_one_collection_receive_the_same_object_and_an_outsider_is_refused(
    security_officer: User,
    partner_user: User,
    other_partner_user: User,
    third_partner_user: User,
    collection: Collection,
) -> None:
    officer = actor_of(security_officer)
    other_org = other_partner_user.organisation
    assert other_org is not None
    services.collection_member_set(
        actor=officer, collection=collection, organisation_id=other_org.pk, can_read=True, can_write=False
    )
    shared = indicator("shared-phish.example")
    services.stix_objects_ingest(actor=officer, collection=collection, objects=[shared], source=Source.LOCAL)
    assert StixObject.objects.filter(stix_id=shared["id"]).count() == 1  # one item, several partners

    received = []
    for user in (partner_user, other_partner_user):
        token = token_for(user, "threatintel:read")
        listing = _get(Client(), f"{ROOT}/collections/", token).json()
        assert [c["id"] for c in listing["collections"]] == [str(collection.uuid)]
        objects = _get(Client(), f"{ROOT}/collections/{collection.uuid}/objects/", token).json()["objects"]
        received.append(objects)
    assert received[0] == received[1] == [shared]

    outsider = token_for(third_partner_user, "threatintel:read")
    assert _get(Client(), f"{ROOT}/collections/", outsider).json() == {}
    for suffix in ("", "objects/", "manifest/", f"objects/{shared['id']}/"):
        refused = _get(Client(), f"{ROOT}/collections/{collection.uuid}/{suffix}", outsider)
        assert refused.status_code == 404, suffix
        assert shared["id"] not in refused.content.decode()
