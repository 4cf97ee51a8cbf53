"""TAXII 2.1 object versions (5.8), object deletion (5.7) and partners' reads counted when served."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import requests
import stix2
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from taxii2client.v21 import Server

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.enums import TLP
from chancery.platform.errors import InvalidInput, PermissionDenied
from chancery.threatintel import selectors, services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, ObjectRead, StixObject
from tests.conftest import actor_of
from tests.threatintel.conftest import indicator, token_for

MEDIA = "application/taxii+json;version=2.1"
ROOT = "/taxii2/ministry"


def _versions(domain: str, count: int) -> list[dict[str, Any]]:
    first = stix2.parse(json.dumps(indicator(domain)), allow_custom=False)
    made = [first]
    for n in range(1, count):
        made.append(made[-1].new_version(name=f"Phishing domain {domain} (rev {n})"))
    return [json.loads(v.serialize()) for v in made]


def _headers(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "accept": MEDIA}


@pytest.mark.django_db
def test_versions_lists_every_version_by_date_added_with_pagination(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    versions = _versions("versions.example", 3)
    services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=versions, source=Source.LOCAL
    )
    token = token_for(partner_user, "threatintel:read")
    url = f"{ROOT}/collections/{collection.uuid}/objects/{versions[0]['id']}/versions/"
    answer = client.get(url, headers=_headers(token))
    assert answer.status_code == 200
    assert answer["Content-Type"] == MEDIA
    assert answer.json() == {"more": False, "versions": [v["modified"] for v in versions]}
    assert "X-TAXII-Date-Added-First" in answer

    first = client.get(url, {"limit": 2}, headers=_headers(token)).json()
    assert first["more"] is True
    assert len(first["versions"]) == 2
    rest = client.get(url, {"limit": 2, "next": first["next"]}, headers=_headers(token)).json()
    assert rest["versions"] == [versions[2]["modified"]]

    # the object endpoint honours match[version]: first, last, all and timestamps
    detail = f"{ROOT}/collections/{collection.uuid}/objects/{versions[0]['id']}/"
    by = {
        v: client.get(detail, {"match[version]": v}, headers=_headers(token)).json() for v in ("first", "last", "all")
    }
    assert [o["modified"] for o in by["first"]["objects"]] == [versions[0]["modified"]]
    assert [o["modified"] for o in by["last"]["objects"]] == [versions[2]["modified"]]
    assert len(by["all"]["objects"]) == 3
    assert client.get(detail, {"match[version]": "yesterday"}, headers=_headers(token)).status_code == 400


@pytest.mark.django_db
def test_versions_and_delete_refuse_outsiders_unknown_ids_and_red(
    client: Client, security_officer: User, partner_user: User, other_partner_user: User, collection: Collection
) -> None:
    red = indicator("red.example", TLP.RED)
    services.stix_objects_ingest(actor=actor_of(security_officer), collection=collection, objects=[red], source="local")
    outsider = token_for(other_partner_user, "threatintel:read", "threatintel:write")
    insider = token_for(partner_user, "threatintel:read", "threatintel:write")
    base = f"{ROOT}/collections/{collection.uuid}/objects"
    for token in (outsider, insider):  # the outsider is not in the group; the insider never sees RED
        answer = client.get(f"{base}/{red['id']}/versions/", headers=_headers(token))
        assert answer.status_code == 404
        assert answer.json()["http_status"] == "404"
        assert client.delete(f"{base}/{red['id']}/", headers=_headers(token)).status_code == 404
    unknown = indicator("unknown.example")["id"]
    assert client.get(f"{base}/{unknown}/versions/", headers=_headers(insider)).status_code == 404
    assert StixObject.objects.filter(stix_id=red["id"]).exists()


@pytest.mark.django_db
def test_partners_delete_only_with_write_access_and_only_their_own(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    ours = indicator("ministry-made.example")
    services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=[ours], source=Source.LOCAL
    )
    theirs = _versions("partner-made.example", 2)
    services.stix_objects_ingest(
        actor=actor_of(partner_user), collection=collection, objects=theirs, source=Source.TAXII_PUSH
    )
    base = f"{ROOT}/collections/{collection.uuid}/objects"
    reader = token_for(partner_user, "threatintel:read")
    writer = token_for(partner_user, "threatintel:read", "threatintel:write")

    refused = client.delete(f"{base}/{theirs[0]['id']}/", headers=_headers(reader))
    assert refused.status_code == 403
    assert refused.json()["http_status"] == "403"
    foreign = client.delete(f"{base}/{ours['id']}/", headers=_headers(writer))
    assert foreign.status_code == 403
    assert StixObject.objects.filter(stix_id=ours["id"]).exists()

    latest = client.delete(f"{base}/{theirs[0]['id']}/?match[version]=last", headers=_headers(writer))
    assert latest.status_code == 200
    assert latest.content == b""
    remaining = StixObject.objects.get(stix_id=theirs[0]["id"])
    assert remaining.version == theirs[0]["modified"]
    assert remaining.is_latest is True
    gone = client.delete(f"{base}/{theirs[0]['id']}/?match[version]={theirs[1]['modified']}", headers=_headers(writer))
    assert gone.status_code == 404
    assert client.delete(f"{base}/{theirs[0]['id']}/", headers=_headers(writer)).status_code == 200
    assert not StixObject.objects.filter(stix_id=theirs[0]["id"]).exists()
    assert AuditEvent.objects.filter(action="threatintel.object_deleted").count() == 2


@pytest.mark.django_db
def test_managers_delete_anything_in_the_service(
    security_officer: User, partner_user: User, collection: Collection
) -> None:
    theirs = indicator("pushed.example")
    services.stix_objects_ingest(
        actor=actor_of(partner_user), collection=collection, objects=[theirs], source="taxii_push"
    )
    assert (
        services.stix_object_delete(
            actor=actor_of(security_officer), collection=collection, stix_id=theirs["id"], versions=("all",)
        )
        == 1
    )


@pytest.mark.django_db
def test_reads_are_counted_when_served_per_partner(
    client: Client, security_officer: User, partner_user: User, collection: Collection
) -> None:
    objects = [indicator(f"read{n}.example") for n in range(3)]
    services.stix_objects_ingest(
        actor=actor_of(security_officer), collection=collection, objects=objects, source=Source.LOCAL
    )
    partner = token_for(partner_user, "threatintel:read")
    officer = token_for(security_officer, "threatintel:read")
    base = f"{ROOT}/collections/{collection.uuid}"
    assert len(client.get(f"{base}/objects/", headers=_headers(partner)).json()["objects"]) == 3
    client.get(f"{base}/objects/{objects[0]['id']}/", headers=_headers(partner))
    client.get(f"{base}/manifest/", headers=_headers(partner))  # a manifest carries no object
    client.get(f"{base}/objects/", headers=_headers(officer))  # internal reads are not exchange
    client.get(f"{base}/objects/", {"added_after": timezone.now().isoformat()}, headers=_headers(partner))  # empty
    [row] = ObjectRead.objects.all()
    assert (row.organisation_id, row.requests, row.served) == (partner_user.organisation_id, 2, 4)

    since = timezone.localdate() - timedelta(days=30)
    [reads] = selectors.exchange_reads_list(actor=actor_of(security_officer), since=since)
    assert (reads.collection, reads.requests, reads.served) == (collection.title, 2, 4)
    with pytest.raises(PermissionDenied):
        selectors.exchange_reads_list(actor=actor_of(partner_user), since=since)


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@pytest.mark.django_db(transaction=True)
def test_taxii2_client_reads_versions_and_deletes(
    live_server: Any, security_officer: User, partner_user: User, collection: Collection
) -> None:
    theirs = _versions("client-made.example", 2)
    services.stix_objects_ingest(
        actor=actor_of(partner_user), collection=collection, objects=theirs, source=Source.TAXII_PUSH
    )
    auth = _Bearer(token_for(partner_user, "threatintel:read", "threatintel:write"))
    [remote] = Server(f"{live_server.url}/taxii2/", auth=auth).default.collections
    versions = remote.object_versions(theirs[0]["id"])
    assert versions["versions"] == [v["modified"] for v in theirs]
    remote.delete_object(theirs[0]["id"], version=theirs[1]["modified"])
    assert remote.object_versions(theirs[0]["id"])["versions"] == [theirs[0]["modified"]]
    remote.delete_object(theirs[0]["id"])
    with pytest.raises(requests.HTTPError) as refused:
        remote.object_versions(theirs[0]["id"])
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()["http_status"] == "404"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_match_version_values_parse_or_are_refused(value: str) -> None:
    refused: InvalidInput | None = None
    try:
        parsed = selectors.object_filter_parse({"match[version]": value})
    except InvalidInput as exc:
        refused = exc
    if refused is not None:
        assert "match[version]" in refused.errors
        return
    for version in parsed.versions:
        assert version in {"last", "first", "all"} or selectors.version_match((version,)) is not None
