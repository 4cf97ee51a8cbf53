"""Three users for each rule: security officer (allowed), ordinary staff (other role), partner (outside)."""

from __future__ import annotations

import pytest

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.threatintel import feeds, selectors, services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection
from tests.conftest import actor_of
from tests.threatintel.conftest import indicator

pytestmark = pytest.mark.django_db


def test_view_rule(
    security_officer: User, desk_officer: User, partner_user: User, other_partner_user: User, collection: Collection
) -> None:
    assert access.can(actor_of(security_officer), "threatintel.view", collection)
    assert access.can(actor_of(partner_user), "threatintel.view", collection)  # a member of the sharing group
    assert not access.can(actor_of(desk_officer), "threatintel.view", collection)
    assert not access.can(actor_of(other_partner_user), "threatintel.view", collection)
    with pytest.raises(NotFound):  # hidden: the collection looks missing
        selectors.collection_get(actor=actor_of(other_partner_user), collection_id=collection.uuid)
    assert list(selectors.collection_list(actor=actor_of(partner_user))) == [collection]
    assert not selectors.collection_list(actor=actor_of(other_partner_user)).exists()
    assert not selectors.collection_list(actor=actor_of(desk_officer)).exists()
    assert not selectors.collection_list(actor=Actor.anonymous()).exists()


def test_add_rule(
    security_officer: User, desk_officer: User, partner_user: User, other_partner_user: User, collection: Collection
) -> None:
    objects: list[object] = [indicator("rule.example")]
    result = services.stix_objects_ingest(
        actor=actor_of(partner_user), collection=collection, objects=objects, source=Source.TAXII_PUSH
    )
    assert len(result.added) == 1
    for refused in (desk_officer, other_partner_user):
        with pytest.raises((PermissionDenied, NotFound)):
            services.stix_objects_ingest(
                actor=actor_of(refused), collection=collection, objects=objects, source=Source.LOCAL
            )


def test_manage_rule(
    security_officer: User, desk_officer: User, partner_user: User, partner_org: Organisation, collection: Collection
) -> None:
    assert access.can(actor_of(security_officer), "threatintel.manage")
    for refused in (desk_officer, partner_user):
        with pytest.raises(PermissionDenied):
            services.collection_create(actor=actor_of(refused), title="x")
        with pytest.raises(PermissionDenied):
            feeds.feed_create(
                actor=actor_of(refused),
                name="x",
                collection_url="https://partner.example/taxii2/",
                token="t",
                partner_id=partner_org.pk,
                target=collection,
            )


def test_members_must_be_partner_organisations(
    security_officer: User, mission_tokyo: Organisation, collection: Collection
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.collection_member_set(
            actor=actor_of(security_officer),
            collection=collection,
            organisation_id=mission_tokyo.pk,
            can_read=True,
            can_write=False,
        )
    assert "organisation" in refused.value.errors


def test_ingest_deduplicates_and_tracks_the_latest_version(security_officer: User, collection: Collection) -> None:
    actor = actor_of(security_officer)
    first = indicator("versions.example")
    second = first | {"modified": "2099-01-01T00:00:00.000Z", "name": "renamed"}
    services.stix_objects_ingest(actor=actor, collection=collection, objects=[second], source=Source.LOCAL)
    result = services.stix_objects_ingest(
        actor=actor, collection=collection, objects=[first, second], source=Source.LOCAL
    )
    assert len(result.added) == 1  # the older version
    assert len(result.duplicates) == 1
    rows = {row.version: row.is_latest for row in collection.stix_objects.all()}
    assert rows == {first["modified"]: False, second["modified"]: True}
    bundle = selectors.bundle_export(actor=actor, collection=collection)
    assert [o.get("name") for o in bundle["objects"] if o["type"] == "indicator"] == ["renamed"]


def test_unmarked_objects_get_the_collection_tlp(security_officer: User, collection: Collection) -> None:
    unmarked = indicator("unmarked.example")
    unmarked.pop("object_marking_refs")
    services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=[unmarked], source=Source.LOCAL
    )
    assert collection.stix_objects.get().tlp == TLP.AMBER
