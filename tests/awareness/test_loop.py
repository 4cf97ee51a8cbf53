"""Done-when: a reported phish becomes a STIX indicator that a partner pulls over TAXII 2.1.

The partner's side is the independent OASIS ``taxii2-client`` library against a live server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import stix2
from taxii2client.v21 import ApiRoot, as_pages

from chancery.awareness import services
from chancery.identity.models import User
from chancery.threatintel.models import Collection
from tests.awareness.mails import PHISH
from tests.conftest import actor_of
from tests.threatintel.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def test_reported_phish_reaches_the_partner_over_taxii(
    live_server: Any, desk_officer: User, security_officer: User, partner_user: User, collection: Collection
) -> None:
    report = services.phishing_report_submit(actor=actor_of(desk_officer), data=PHISH)
    triaged = services.phishing_report_triage(
        actor=actor_of(security_officer), report=report, confirm=True, collection_id=str(collection.uuid)
    )

    root = ApiRoot(f"{live_server.url}/taxii2/ministry/", auth=Bearer(token_for(partner_user, "threatintel:read")))
    [remote] = root.collections
    pulled = [o for page in as_pages(remote.get_objects, per_request=3) for o in page.get("objects", [])]
    indicators = [o for o in pulled if o["type"] == "indicator"]
    assert sorted(o["id"] for o in indicators) == sorted(triaged.stix_ids)
    assert any(o["pattern"] == "[url:value = 'https://mofa-login.example/reset?u=42']" for o in indicators)
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": pulled}
    parsed = stix2.parse(json.dumps(bundle), allow_custom=False, version="2.1")
    assert {o.type for o in parsed.objects} == {"indicator", "marking-definition"}
