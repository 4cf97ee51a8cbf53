"""The ``cable.released`` webhook: partners facing an addressed mission are told; nobody else, never the text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chancery.audit.models import AuditEvent
from chancery.cables.content import CableContent, ParagraphIn
from chancery.cables.models import Cable
from chancery.cables.services import cable_create, cable_release, cable_submit
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.enums import Classification
from chancery.resilience.webhooks import services
from chancery.resilience.webhooks.models import WebhookDelivery
from chancery.resilience.webhooks.partner import partner_actor
from tests.conftest import actor_of
from tests.factories import CompartmentFactory, OrganisationFactory, UserFactory
from tests.resilience.webhooks_fake_server import Behaviour, fake_endpoint

pytestmark = pytest.mark.django_db

SUBJECT = "Hà Nội visit preparations"
TEXT = "Summary of the visit plans."


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"
    settings.WEBHOOK_ALLOWLIST = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


@pytest.fixture
def partners() -> dict[str, Organisation]:
    return {
        "fr": OrganisationFactory(code="mae-france", kind="partner_ministry", country_code="FR"),
        "jp": OrganisationFactory(code="mofa-japan", kind="partner_ministry", country_code="JP"),
    }


@pytest.fixture
def people(ministry: Organisation, mission_tokyo: Organisation, mission_paris: Organisation) -> dict[str, User]:
    return {
        "admin": UserFactory(username="hq-admin", role=Role.ADMINISTRATOR, organisation=ministry),
        "drafter": UserFactory(
            username="hq-desk", role=Role.DESK_OFFICER, organisation=ministry, clearance=Classification.SECRET
        ),
        "approver": UserFactory(
            username="hq-head", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
        ),
    }


def release(people: dict[str, User], classification: int, action: list[str], **extra: Any) -> Cable:
    content = CableContent(
        subject=SUBJECT,
        classification=classification,
        precedence="IMMEDIATE",
        paragraphs=[ParagraphIn(classification, TEXT)],
        action_codes=action,
        info_codes=[],
        clearer_codes=[],
        tags=["PREL"],
        captions=["EXDIS"],
        **extra,
    )
    drafter = actor_of(people["drafter"])
    cable = cable_create(actor=drafter, content=content)
    cable_submit(actor=drafter, cable_id=cable.pk)
    return cable_release(actor=actor_of(people["approver"]), cable_id=cable.pk)


def test_a_partner_facing_an_addressed_mission_is_told_of_the_release_and_no_one_else(
    people: dict[str, User], partners: dict[str, Organisation], django_capture_on_commit_callbacks: Any
) -> None:
    france, japan = Behaviour(), Behaviour()
    with fake_endpoint(france) as france_url, fake_endpoint(japan) as japan_url:
        for code, url in (("fr", france_url), ("jp", japan_url)):
            services.subscription_create(
                actor=actor_of(people["admin"]),
                organisation_code=partners[code].code,
                url=url,
                event_types=["cable.released"],
            )
        with django_capture_on_commit_callbacks(execute=True):
            cable = release(people, Classification.INTERNAL, ["emb-paris"])
    assert japan.received == []  # no addressee faces Japan
    assert len(france.received) == 1
    body = france.received[0].body
    message = json.loads(body)
    assert message["type"] == "cable.released"
    assert message["data"]["cable"]["reference"] == cable.reference
    assert message["data"]["cable"]["classification"] == Classification.INTERNAL
    assert message["data"]["addressees"] == [{"unit": "emb-paris", "kind": "action"}]
    for secret in (SUBJECT, TEXT, "PREL", "EXDIS"):
        assert secret.encode() not in body
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "cable.released"
    assert AuditEvent.objects.filter(action="webhooks.delivery_queued", object_id=str(delivery.pk)).exists()


def test_a_cable_above_internal_or_compartmented_emits_nothing(
    people: dict[str, User], partners: dict[str, Organisation], django_capture_on_commit_callbacks: Any
) -> None:
    services.subscription_create(
        actor=actor_of(people["admin"]),
        organisation_code=partners["fr"].code,
        url="http://127.0.0.1:9/hook",
        event_types=["cable.released"],
    )
    compartment = CompartmentFactory()
    for user in people.values():
        user.compartments.add(compartment)
    paris = Organisation.objects.get(code="emb-paris")
    officer = UserFactory(role=Role.MISSION_OFFICER, organisation=paris, clearance=Classification.SECRET)
    officer.compartments.add(compartment)  # someone at the post is read in, so the release goes ahead
    with django_capture_on_commit_callbacks(execute=True):
        release(people, Classification.CONFIDENTIAL, ["emb-paris"])
        release(people, Classification.INTERNAL, ["emb-paris"], compartment_codes=[compartment.code])
    assert not WebhookDelivery.objects.exists()


def test_the_release_notice_rule(people: dict[str, User], partners: dict[str, Organisation]) -> None:
    cable = release(people, Classification.INTERNAL, ["emb-paris"])
    assert access.can(partner_actor(partners["fr"]), "cables.release_notice", cable)
    assert not access.can(partner_actor(partners["jp"]), "cables.release_notice", cable)  # other partner
    assert not access.can(actor_of(people["drafter"]), "cables.release_notice", cable)  # internal staff
    assert not access.can(partner_actor(partners["fr"]), "cables.view", cable)  # partners never read cables
    draft = cable_create(
        actor=actor_of(people["drafter"]),
        content=CableContent(
            subject=SUBJECT,
            classification=Classification.INTERNAL,
            precedence="ROUTINE",
            paragraphs=[ParagraphIn(Classification.INTERNAL, TEXT)],
            action_codes=["emb-paris"],
        ),
    )
    assert not access.can(partner_actor(partners["fr"]), "cables.release_notice", draft)  # not released yet
