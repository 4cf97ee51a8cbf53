"""Fixtures for the agreements tests: two departments, a partner ministry, and three users."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chancery.agreements import services
from chancery.agreements.models import Agreement
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory

SYSTEM = Actor.system(purpose="tests")


@pytest.fixture
def legal_department(ministry: Organisation) -> Organisation:
    return OrganisationFactory(code="dept-law", kind="department", parent=ministry, name_en="Department of Law")


@pytest.fixture
def economic_department(ministry: Organisation) -> Organisation:
    return OrganisationFactory(code="dept-economic", kind="department", parent=ministry, name_en="Economic Affairs")


@pytest.fixture
def partner_japan() -> Organisation:
    return OrganisationFactory(code="mofa-japan", kind="partner_ministry", country_code="JP", name_en="MOFA Japan")


@pytest.fixture
def partner_eu() -> Organisation:
    return OrganisationFactory(code="eu", kind="international_organisation", name_en="European Union")


@pytest.fixture
def treaty_officer(legal_department: Organisation) -> User:
    """Allowed: a treaty officer of the lead department."""
    return UserFactory(
        username="treaty", role=Role.TREATY_OFFICER, organisation=legal_department, clearance=Classification.SECRET
    )


@pytest.fixture
def other_department_officer(economic_department: Organisation) -> User:
    """Other department: same role and clearance, not the lead department."""
    return UserFactory(
        username="econ", role=Role.TREATY_OFFICER, organisation=economic_department, clearance=Classification.SECRET
    )


@pytest.fixture
def partner_user(partner_japan: Organisation) -> User:
    """Partner: a user of Japan's foreign ministry."""
    return UserFactory(
        username="jp-partner", role=Role.PARTNER, organisation=partner_japan, clearance=Classification.INTERNAL
    )


@pytest.fixture
def eu_user(partner_eu: Organisation) -> User:
    return UserFactory(
        username="eu-partner", role=Role.PARTNER, organisation=partner_eu, clearance=Classification.INTERNAL
    )


@pytest.fixture
def officer(treaty_officer: User) -> Actor:
    return actor_of(treaty_officer)


def make_agreement(
    *,
    short_name: str = "VJEPA",
    lead: str = "dept-law",
    classification: int = Classification.UNCLASSIFIED,
    parties: tuple[str, ...] = ("VN", "JP"),
    organisations: tuple[str, ...] = (),
) -> Agreement:
    """Register an agreement with ``parties`` (country codes) and ``organisations`` as the system actor."""
    agreement = services.agreement_create(
        actor=SYSTEM,
        short_name=short_name,
        title_en=f"{short_name} agreement",
        kind="agreement",
        scope="bilateral",
        lead_department_code=lead,
        classification=classification,
    )
    for code in parties:
        services.party_add(actor=SYSTEM, agreement_id=agreement.pk, country_code=code)
    for code in organisations:
        services.party_add(actor=SYSTEM, agreement_id=agreement.pk, organisation_code=code)
    return agreement


@pytest.fixture
def vjepa(legal_department: Organisation) -> Agreement:
    return make_agreement()


def day(text: str) -> dt.date:
    """Parse an ISO date."""
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    """Render pages in English so assertions read naturally (Vietnamese is covered by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"
