"""The TAXII 2.1 server through Django's test client: authentication, sharing groups, filters, uploads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chancery.identity.models import User
from chancery.platform.enums import TLP
from chancery.threatintel import services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, StixObject
from tests.conftest import actor_of
from tests.threatintel.conftest import indicator, token_for

pytestmark = pytest.mark.django_db

MEDIA = "application/taxii+json;version=2.1"
ROOT = "/taxii2/ministry"


def _get(client: Client, path: str, token: str, **params: Any) -> Any:
    headers = {"authorization": f"Bearer {token}", "accept": MEDIA}
    return client.get(path, params, headers=headers)


def _seed(officer: User, collection: Collection, count: int, tlp: str = TLP.GREEN) -> list[dict[str, Any]]:
    objects = [indicator(f"phish{n}.example", tlp) for n in range(count)]
    services.stix_objects_ingest(actor=actor_of(officer), collection=collection, objects=objects, source=Source.LOCAL)
    return objects


def test_anonymous_and_bad_tokens_get_401_taxii_errors(client: Client) -> None:
    for authorization in ({}, {"authorization": "Bearer chy_nope_nope"}, {"authorization": "Basic abc"}):
        response = client.get("/taxii2/", headers={"accept": MEDIA} | authorization)
        assert response.status_code == 401
        assert response["Content-Type"] == MEDIA
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["http_status"] == "401"


def test_discovery_and_api_root(client: Client, partner_user: User) -> None:
    token = token_for(partner_user, "threatintel:read")
    discovery = _get(client, "/taxii2/", token)
    assert discovery.status_code == 200
    assert discovery["Content-Type"] == MEDIA
    assert discovery.json()["api_roots"] == ["http://testserver/taxii2/ministry/"]
    root = _get(client, f"{ROOT}/", token).json()
    assert root["versions"] == [MEDIA]
    assert root["max_content_length"] > 0


def test_wrong_accept_is_406(client: Client, partner_user: User) -> None:
    token = token_for(partner_user, "threatintel:read")
    response = client.get("/taxii2/", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="text/html")
    assert response.status_code == 406


def test_partner_sees_only_its_collections_and_404_for_others(
    client: Client, partner_user: User, other_partner_user: User, collection: Collection
) -> None:
    writer = token_for(partner_user, "threatintel:read", "threatintel:write")
    mine = _get(client, f"{ROOT}/collections/", writer).json()
    assert [c["id"] for c in mine["collections"]] == [str(collection.uuid)]
    assert mine["collections"][0]["can_read"] is True
    assert mine["collections"][0]["can_write"] is True
    reader = _get(client, f"{ROOT}/collections/{collection.uuid}/", token_for(partner_user, "threatintel:read"))
    assert reader.json()["can_write"] is False  # the token's scopes narrow the membership

    outsider = token_for(other_partner_user, "threatintel:read")
    assert _get(client, f"{ROOT}/collections/", outsider).json() == {}
    for suffix in ("", "objects/", "manifest/", f"objects/{indicator('x.example')['id']}/"):
        response = _get(client, f"{ROOT}/collections/{collection.uuid}/{suffix}", outsider)
        assert response.status_code == 404, suffix
        assert response.json()["http_status"] == "404"
    assert _get(client, f"{ROOT}/collections/not-a-uuid/", outsider).status_code == 404


def test_token_without_threatintel_scope_is_refused(client: Client, partner_user: User, collection: Collection) -> None:
    token = token_for(partner_user, "missions:read")
    assert _get(client, f"{ROOT}/collections/{collection.uuid}/objects/", token).status_code == 404


def test_objects_paginate_with_limit_next_and_added_after(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    seeded = _seed(security_officer, collection, 5)
    token = token_for(partner_user, "threatintel:read")
    url = f"{ROOT}/collections/{collection.uuid}/objects/"
    first = _get(client, url, token, limit=2)
    body = first.json()
    assert body["more"] is True
    assert [o["id"] for o in body["objects"]] == [o["id"] for o in seeded[:2]]
    collected = [o["id"] for o in body["objects"]]
    while body.get("more"):
        body = _get(client, url, token, limit=2, next=body["next"]).json()
        collected += [o["id"] for o in body["objects"]]
    assert collected == [o["id"] for o in seeded]

    after = first["X-TAXII-Date-Added-Last"]
    rest = _get(client, url, token, added_after=after).json()
    assert [o["id"] for o in rest["objects"]] == [o["id"] for o in seeded[2:]]
    assert rest["more"] is False

    only = _get(client, url, token, **{"match[id]": seeded[3]["id"]}).json()
    assert [o["id"] for o in only["objects"]] == [seeded[3]["id"]]
    assert _get(client, url, token, **{"match[type]": "malware"}).json() == {}


@pytest.mark.parametrize(
    "params", [{"limit": "many"}, {"limit": "0"}, {"added_after": "yesterday"}, {"next": "%%%"}, {"next": "eHh4"}]
)
def test_malformed_filters_are_400(
    client: Client, partner_user: User, collection: Collection, params: dict[str, str]
) -> None:
    token = token_for(partner_user, "threatintel:read")
    response = _get(client, f"{ROOT}/collections/{collection.uuid}/objects/", token, **params)
    assert response.status_code == 400
    assert response.json()["http_status"] == "400"


def test_partners_never_receive_tlp_red(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    _seed(security_officer, collection, 1, TLP.RED)
    green = _seed(security_officer, collection, 1, TLP.GREEN)
    token = token_for(partner_user, "threatintel:read")
    body = _get(client, f"{ROOT}/collections/{collection.uuid}/objects/", token).json()
    assert [o["id"] for o in body["objects"]] == [green[0]["id"]]


def test_upload_returns_status_deduplicates_and_records_provenance(
    client: Client, partner_user: User, collection: Collection
) -> None:
    token = token_for(partner_user, "threatintel:read", "threatintel:write")
    good = indicator("upload.example")
    envelope = {"objects": [good, good, {"type": "indicator", "spec_version": "2.1", "id": "bad"}]}
    url = f"{ROOT}/collections/{collection.uuid}/objects/"
    response = client.post(url, json.dumps(envelope), content_type=MEDIA, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 202
    status = response.json()
    assert status["status"] == "complete"
    assert status["success_count"] == 2
    assert status["failure_count"] == 1
    assert status["failures"][0]["id"] == "bad"
    stored = StixObject.objects.get(stix_id=good["id"])
    assert stored.source == Source.TAXII_PUSH
    assert stored.source_organisation_id == partner_user.organisation_id
    assert stored.added_by_id == partner_user.pk

    again = _get(client, f"{ROOT}/status/{status['id']}/", token)
    assert again.json()["id"] == status["id"]
    manifest = _get(client, f"{ROOT}/collections/{collection.uuid}/manifest/", token).json()
    assert [m["id"] for m in manifest["objects"]] == [good["id"]]
    assert manifest["objects"][0]["version"] == good["modified"]


def test_upload_needs_write_membership_and_the_taxii_media_type(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    services.collection_member_set(
        actor=actor_of(security_officer),
        collection=collection,
        organisation_id=partner_user.organisation_id or 0,
        can_read=True,
        can_write=False,
    )
    token = token_for(partner_user, "threatintel:read", "threatintel:write")
    url = f"{ROOT}/collections/{collection.uuid}/objects/"
    body = json.dumps({"objects": [indicator("a.example")]})
    auth = {"authorization": f"Bearer {token}"}
    assert client.post(url, body, content_type=MEDIA, headers=auth).status_code == 403
    assert client.post(url, body, content_type="application/json", headers=auth).status_code == 415
    assert client.post(url, "{not json", content_type=MEDIA, headers=auth).status_code == 400
    assert not StixObject.objects.exists()


def test_status_is_private_to_its_uploader(
    client: Client, partner_user: User, other_partner_user: User, collection: Collection
) -> None:
    token = token_for(partner_user, "threatintel:read", "threatintel:write")
    url = f"{ROOT}/collections/{collection.uuid}/objects/"
    body = json.dumps({"objects": [indicator("b.example")]})
    status = client.post(url, body, content_type=MEDIA, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    outsider = token_for(other_partner_user, "threatintel:read")
    assert _get(client, f"{ROOT}/status/{status['id']}/", outsider).status_code == 404
