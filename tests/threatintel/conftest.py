"""Fixtures of the threat-intelligence tests: two partner ministries, a shared collection, tokens."""

from __future__ import annotations

from typing import Any

import pytest
import stix2
from django.test import Client

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.identity.tokens import api_token_create
from chancery.missions.models import Organisation
from chancery.platform.enums import TLP, Classification
from chancery.threatintel import services
from chancery.threatintel.models import Collection
from chancery.threatintel.stix import TLP_MARKING
from tests.conftest import actor_of, enable_totp
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def partner_org(ministry: Organisation) -> Organisation:
    return OrganisationFactory(code="partner-jp", kind="partner_ministry", country_code="JP")


@pytest.fixture
def other_partner_org(ministry: Organisation) -> Organisation:
    return OrganisationFactory(code="partner-fr", kind="partner_ministry", country_code="FR")


@pytest.fixture
def partner_user(partner_org: Organisation) -> User:
    return UserFactory(
        username="partner-jp-user", role=Role.PARTNER, organisation=partner_org, clearance=Classification.INTERNAL
    )


@pytest.fixture
def other_partner_user(other_partner_org: Organisation) -> User:
    return UserFactory(
        username="partner-fr-user", role=Role.PARTNER, organisation=other_partner_org, clearance=Classification.INTERNAL
    )


@pytest.fixture
def collection(security_officer: User, partner_org: Organisation) -> Collection:
    actor = actor_of(security_officer)
    shared = services.collection_create(actor=actor, title="Phishing against ministries", default_tlp=TLP.AMBER)
    services.collection_member_set(
        actor=actor, collection=shared, organisation_id=partner_org.pk, can_read=True, can_write=True
    )
    return shared


def token_for(user: User, *scopes: str) -> str:
    """Return a fresh API token secret for ``user`` with ``scopes``."""
    return api_token_create(actor=actor_of(user), name="taxii", scopes=list(scopes), lifetime_days=30).secret


def indicator(domain: str, tlp: str = TLP.GREEN, **extra: Any) -> dict[str, Any]:
    """Return a valid STIX 2.1 indicator for ``domain`` as a dict, marked with the TLP 2.0 ``tlp``."""
    made = stix2.v21.Indicator(
        name=f"Phishing domain {domain}",
        pattern=f"[domain-name:value = '{domain}']",
        pattern_type="stix",
        valid_from="2026-01-01T00:00:00Z",
        object_marking_refs=[TLP_MARKING[tlp]],
        allow_custom=False,
        **extra,
    )
    import json

    body: dict[str, Any] = json.loads(made.serialize())
    return body


@pytest.fixture
def officer_client(client: Client, security_officer: User) -> Client:
    """A client signed in (with TOTP) as the security officer."""
    enable_totp(security_officer)
    client.force_login(security_officer)
    return client


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
