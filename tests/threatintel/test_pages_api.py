"""Pages and API: listing, import, export (validated by the OASIS parser), feeds, refusals."""

from __future__ import annotations

import json

import pytest
import stix2
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import TLP
from chancery.threatintel import services
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, PartnerFeed, StixObject
from chancery.threatintel.stix import bundle_make, tlp_marking_object
from tests.conftest import actor_of, enable_totp
from tests.threatintel.conftest import indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client: Client, security_officer: User) -> Client:
    enable_totp(security_officer)
    client.force_login(security_officer)
    return client


def test_collection_pages(officer_client: Client, security_officer: User, collection: Collection) -> None:
    services.stix_objects_ingest(
        actor=actor_of(security_officer),
        collection=collection,
        objects=[indicator("page.example")],
        source=Source.LOCAL,
    )
    listing = officer_client.get("/threatintel/")
    assert listing.status_code == 200
    assert collection.title in listing.content.decode()
    detail = officer_client.get(f"/threatintel/{collection.uuid}/")
    assert "Phishing domain page.example" in detail.content.decode()
    assert "partner-jp" in detail.content.decode()
    created = officer_client.post("/threatintel/", {"title": "New group", "default_tlp": TLP.GREEN})
    assert created.status_code == 302
    assert Collection.objects.filter(title="New group").exists()


def test_import_page_and_export_validate(officer_client: Client, collection: Collection) -> None:
    objects = [indicator("import.example"), {"type": "x-bad", "id": "x-bad--1"}, tlp_marking_object(TLP.GREEN)]
    data = json.dumps(bundle_make([o for o in objects if o is not None])).encode()
    upload = SimpleUploadedFile("bundle.json", data, content_type="application/json")
    response = officer_client.post(f"/threatintel/{collection.uuid}/import/", {"bundle": upload}, follow=True)
    assert "2 added, 0 already present, 1 refused." in response.content.decode()
    assert StixObject.objects.get(stix_type="indicator").source == Source.IMPORT

    exported = officer_client.get(f"/threatintel/{collection.uuid}/export/")
    assert exported["Content-Type"].startswith("application/stix+json")
    parsed = stix2.parse(exported.content.decode(), allow_custom=False, version="2.1")
    assert sorted(o.type for o in parsed.objects) == ["indicator", "marking-definition"]


def test_api_export_and_import(officer_client: Client, collection: Collection) -> None:
    bundle = bundle_make([indicator("api.example")])
    url = f"/api/v1/threatintel/collections/{collection.uuid}/bundle"
    imported = officer_client.post(url, json.dumps(bundle), content_type="application/json")
    assert imported.status_code == 200, imported.content
    assert imported.json() == {"added": 1, "duplicates": 0, "failures": []}
    exported = officer_client.get(url).json()
    stix2.parse(json.dumps(exported), allow_custom=False, version="2.1")
    assert [c["id"] for c in officer_client.get("/api/v1/threatintel/collections").json()["items"]] == [
        str(collection.uuid)
    ]
    broken = officer_client.post(url, json.dumps({"type": "nope"}), content_type="application/json")
    assert broken.status_code == 422
    assert broken["Content-Type"].startswith("application/problem+json")


def test_staff_and_partners_are_refused_the_pages(
    client: Client, desk_officer: User, partner_user: User, collection: Collection
) -> None:
    for user in (desk_officer, partner_user):
        client.force_login(user)
        assert client.get("/threatintel/").status_code == 403
        assert client.get(f"/threatintel/{collection.uuid}/export/").status_code in {403, 404}
        assert client.get("/threatintel/feeds/").status_code == 403


def test_feed_page_saves_a_feed_without_showing_its_token(
    officer_client: Client, partner_org: Organisation, collection: Collection
) -> None:
    response = officer_client.post(
        "/threatintel/feeds/",
        {
            "name": "JP feed",
            "collection_url": "https://taxii.partner.example/api/collections/abc/",
            "token": "s3cret-token",
            "partner": partner_org.pk,
            "target": collection.pk,
        },
        follow=True,
    )
    feed = PartnerFeed.objects.get()
    assert feed.name == "JP feed"
    assert "s3cret-token" not in feed.token  # encrypted at rest
    assert feed.token.startswith("v1:")
    assert "s3cret-token" not in response.content.decode()
