"""The TAXII 2.1 server against the independent OASIS ``taxii2-client`` over real HTTP (a live test server).

The second half plays the "second instance": Chancery's own scheduled pull (which also speaks TAXII
through ``taxii2-client``) reads the partner-facing collection into another collection.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import stix2
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Server, as_pages
from taxii2client.v21 import Collection as RemoteCollection

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import TLP
from chancery.threatintel import feeds, services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, StixObject
from chancery.threatintel.tasks import pull_partner_feeds
from tests.conftest import actor_of
from tests.threatintel.conftest import indicator, token_for

pytestmark = pytest.mark.django_db(transaction=True)


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def test_taxii2_client_discovers_pages_and_pushes(
    live_server: Any, security_officer: User, partner_user: User, collection: Collection
) -> None:
    seeded = [indicator(f"live{n}.example") for n in range(5)]
    services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=seeded, source=Source.LOCAL
    )
    auth = Bearer(token_for(partner_user, "threatintel:read", "threatintel:write"))

    server = Server(f"{live_server.url}/taxii2/", auth=auth)
    assert server.title == "Chancery TAXII 2.1"
    root: ApiRoot = server.default
    assert root.versions == ["application/taxii+json;version=2.1"]
    [remote] = root.collections
    assert remote.id == str(collection.uuid)

    pulled = [o for page in as_pages(remote.get_objects, per_request=2) for o in page.get("objects", [])]
    assert [o["id"] for o in pulled] == [o["id"] for o in seeded]
    bundle = stix2.parse(
        json.dumps({"type": "bundle", "id": "bundle--0a0b0c0d-0000-4000-8000-000000000000", "objects": pulled}),
        allow_custom=False,
    )
    assert len(bundle.objects) == 5

    pushed = indicator("pushed-by-partner.example")
    status = remote.add_objects({"objects": [pushed]}, wait_for_completion=False)
    assert status.status == "complete"
    assert status.success_count == 1
    status.refresh()
    assert status.successes[0]["id"] == pushed["id"]
    manifest = remote.get_manifest()
    assert pushed["id"] in {m["id"] for m in manifest["objects"]}


def test_partner_outside_the_sharing_group_is_refused(
    live_server: Any, other_partner_user: User, collection: Collection
) -> None:
    auth = Bearer(token_for(other_partner_user, "threatintel:read"))
    assert ApiRoot(f"{live_server.url}/taxii2/ministry/", auth=auth).collections == []
    remote = RemoteCollection(f"{live_server.url}/taxii2/ministry/collections/{collection.uuid}/", auth=auth)
    with pytest.raises(requests.HTTPError) as refused:
        remote.get_objects()
    assert refused.value.response is not None
    assert refused.value.response.status_code == 404


def test_scheduled_pull_brings_a_partner_collection_in_once(
    live_server: Any,
    security_officer: User,
    partner_user: User,
    partner_org: Organisation,
    collection: Collection,
) -> None:
    officer = actor_of(security_officer)
    shared = [indicator(f"pull{n}.example") for n in range(3)]
    services.stix_objects_ingest(actor=officer, collection=collection, objects=shared, source=Source.LOCAL)
    inbox = services.collection_create(actor=officer, title="From partner JP", default_tlp=TLP.AMBER)
    feeds.feed_create(
        actor=officer,
        name="Partner JP",
        collection_url=f"{live_server.url}/taxii2/ministry/collections/{collection.uuid}/",
        token=token_for(partner_user, "threatintel:read"),
        partner_id=partner_org.pk,
        target=inbox,
    )

    assert pull_partner_feeds.call() == 3  # the periodic task, run as the system
    pulled = StixObject.objects.filter(collection=inbox).order_by("date_added")
    assert [o.stix_id for o in pulled] == [o["id"] for o in shared]
    assert {o.source for o in pulled} == {Source.TAXII_PULL}
    assert all(o.source_detail.startswith("partner-jp: ") for o in pulled)

    newer = indicator("pull-later.example")
    services.stix_objects_ingest(actor=officer, collection=collection, objects=[newer], source=Source.LOCAL)
    assert feeds.feeds_pull_all(actor=Actor.system(purpose="test")) == 1  # only what was added since
    assert StixObject.objects.filter(collection=inbox).count() == 4


def test_a_failing_partner_is_recorded_not_raised(
    live_server: Any, security_officer: User, partner_org: Organisation, collection: Collection
) -> None:
    officer = actor_of(security_officer)
    feed = feeds.feed_create(
        actor=officer,
        name="Wrong token",
        collection_url=f"{live_server.url}/taxii2/ministry/collections/{collection.uuid}/",
        token="chy_00000000_wrong",
        partner_id=partner_org.pk,
        target=collection,
    )
    assert feeds.feed_pull(actor=officer, feed=feed) == 0
    assert feed.last_error == "HTTPError"
    assert feed.added_after == ""


def test_taxii2_client_refuses_a_non_taxii_answer(live_server: Any, partner_user: User) -> None:
    auth = Bearer(token_for(partner_user, "threatintel:read"))
    with pytest.raises((TAXIIServiceException, requests.HTTPError)):
        Server(f"{live_server.url}/accounts/login/", auth=auth).refresh()


def test_the_pull_is_a_registered_periodic_job() -> None:
    from datetime import timedelta

    from chancery.platform.schedule import periodics

    [job] = [job for job in periodics() if job.name == "threatintel.pull"]
    assert job.task is pull_partner_feeds
    assert job.every == timedelta(minutes=15)
