"""The threat-intelligence API beside the pages: collections, their members, and partner feeds.

Managers (security officers, administrators) create collections, set partner members and configure
feeds; staff of another role and partners are refused; a pull over the API brings a partner's
collection in through a live TAXII 2.1 server.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import TLP
from chancery.threatintel import services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, Membership, PartnerFeed, StixObject
from tests.conftest import actor_of, enable_totp
from tests.threatintel.conftest import indicator, token_for

pytestmark = pytest.mark.django_db

API = "/api/v1/threatintel"


def test_managers_create_collections_and_set_members(
    officer_client: Client, partner_org: Organisation, other_partner_org: Organisation, ministry: Organisation
) -> None:
    created = officer_client.post(
        f"{API}/collections", {"title": "Ransomware", "default_tlp": TLP.GREEN}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    uuid = created.json()["id"]
    assert created.json()["default_tlp"] == TLP.GREEN
    bad_tlp = officer_client.post(
        f"{API}/collections", {"title": "x", "default_tlp": "PURPLE"}, content_type="application/json"
    )
    assert bad_tlp.status_code == 422
    assert bad_tlp["Content-Type"].startswith("application/problem+json")
    assert Collection.objects.count() == 1

    members = f"{API}/collections/{uuid}/members"
    assert officer_client.get(members).json() == []
    for org in (partner_org, other_partner_org):
        answer = officer_client.put(f"{members}/{org.pk}", {"can_read": True}, content_type="application/json")
        assert answer.status_code == 200, answer.content
    listed = officer_client.get(members).json()
    assert listed == [
        {"organisation": other_partner_org.pk, "code": other_partner_org.code, "can_read": True, "can_write": False},
        {"organisation": partner_org.pk, "code": partner_org.code, "can_read": True, "can_write": False},
    ]
    writer = officer_client.put(
        f"{members}/{partner_org.pk}", {"can_read": True, "can_write": True}, content_type="application/json"
    )
    assert [m["can_write"] for m in writer.json()] == [False, True]
    removed = officer_client.put(
        f"{members}/{other_partner_org.pk}", {"can_read": False, "can_write": False}, content_type="application/json"
    )
    assert [m["code"] for m in removed.json()] == [partner_org.code]

    internal = officer_client.put(f"{members}/{ministry.pk}", {"can_read": True}, content_type="application/json")
    assert internal.status_code == 422  # only partner organisations can be members
    assert not Membership.objects.filter(organisation=ministry).exists()
    assert officer_client.get(f"{API}/collections/00000000-0000-4000-8000-000000000000/members").status_code == 404


def test_other_roles_and_partners_cannot_manage(
    client: Client,
    desk_officer: User,
    partner_user: User,
    other_mission_officer: User,
    collection: Collection,
    partner_org: Organisation,
) -> None:
    for user in (desk_officer, other_mission_officer, partner_user):
        client.force_login(user)
        assert client.post(f"{API}/collections", {"title": "x"}, content_type="application/json").status_code == 403
        members = f"{API}/collections/{collection.uuid}/members"
        assert client.get(members).status_code in {403, 404}
        put = client.put(f"{members}/{partner_org.pk}", {"can_write": True}, content_type="application/json")
        assert put.status_code in {403, 404}
        assert client.get(f"{API}/feeds").json() == []
        feed = client.post(
            f"{API}/feeds",
            {
                "name": "x",
                "collection_url": "https://p.example/c/",
                "partner": partner_org.pk,
                "target": str(collection.uuid),
            },
            content_type="application/json",
        )
        assert feed.status_code in {403, 404}
    assert Collection.objects.count() == 1
    assert Membership.objects.get(collection=collection).can_write is True  # unchanged from the fixture
    assert not PartnerFeed.objects.exists()


def test_a_feed_is_configured_and_pulled_over_the_api(
    live_server: Any,
    client: Client,
    security_officer: User,
    partner_user: User,
    partner_org: Organisation,
    ministry: Organisation,
    collection: Collection,
) -> None:
    officer = actor_of(security_officer)
    shared = [indicator(f"feed{n}.example") for n in range(2)]
    services.stix_objects_ingest(actor=officer, collection=collection, objects=shared, source=Source.LOCAL)
    inbox = services.collection_create(actor=officer, title="From partner JP", default_tlp=TLP.AMBER)
    enable_totp(security_officer)
    client.force_login(security_officer)
    payload = {
        "name": "Partner JP",
        "collection_url": f"{live_server.url}/taxii2/ministry/collections/{collection.uuid}/",
        "token": token_for(partner_user, "threatintel:read"),
        "partner": partner_org.pk,
        "target": str(inbox.uuid),
    }
    not_partner = client.post(f"{API}/feeds", payload | {"partner": ministry.pk}, content_type="application/json")
    assert not_partner.status_code == 422
    not_http = client.post(
        f"{API}/feeds", payload | {"collection_url": "file:///etc/passwd"}, content_type="application/json"
    )
    assert not_http.status_code == 422
    assert not PartnerFeed.objects.exists()

    created = client.post(f"{API}/feeds", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert "token" not in body
    assert payload["token"] not in created.content.decode()
    assert [f["id"] for f in client.get(f"{API}/feeds").json()] == [body["id"]]

    pulled = client.post(f"{API}/feeds/{body['id']}/pull")
    assert pulled.status_code == 200, pulled.content
    assert pulled.json()["added"] == 2
    assert pulled.json()["feed"]["last_error"] == ""
    assert pulled.json()["feed"]["last_pulled_at"] is not None
    assert sorted(StixObject.objects.filter(collection=inbox).values_list("stix_id", flat=True)) == sorted(
        o["id"] for o in shared
    )
    assert client.post(f"{API}/feeds/{body['id']}/pull").json()["added"] == 0  # de-duplicated, nothing new
    assert client.post(f"{API}/feeds/999999/pull").status_code == 404
