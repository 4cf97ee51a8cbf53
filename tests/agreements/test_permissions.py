"""Three users: the lead department's treaty officer, another department's, and a partner ministry's."""

from __future__ import annotations

import pytest

from chancery.agreements import selectors, services
from chancery.agreements.models import Agreement, Party
from chancery.identity.models import User
from chancery.platform import access
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound, PermissionDenied
from tests.agreements.conftest import day, make_agreement
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements(legal_department: object) -> dict[str, Agreement]:
    return {
        "vjepa": make_agreement(short_name="VJEPA", parties=("VN", "JP")),
        "vkfta": make_agreement(short_name="VKFTA", parties=("VN", "KR")),
        "evfta": make_agreement(short_name="EVFTA", parties=("VN",), organisations=("EU",)),
        "secret-jp": make_agreement(
            short_name="JP-DEF", parties=("VN", "JP"), classification=Classification.CONFIDENTIAL
        ),
    }


def _visible(user: User) -> set[str]:
    return set(selectors.agreement_list(actor=actor_of(user)).values_list("short_name", flat=True))


def test_lead_department_sees_everything_it_is_cleared_for(
    treaty_officer: User, agreements: dict[str, Agreement]
) -> None:
    assert _visible(treaty_officer) == {"VJEPA", "VKFTA", "EVFTA", "JP-DEF"}


def test_other_department_does_not_see_classified_agreements(
    other_department_officer: User, agreements: dict[str, Agreement]
) -> None:
    assert _visible(other_department_officer) == {"VJEPA", "VKFTA", "EVFTA"}
    with pytest.raises(NotFound):
        selectors.agreement_get(actor=actor_of(other_department_officer), agreement_id=agreements["secret-jp"].pk)


def test_partner_sees_only_agreements_its_state_is_party_to(
    partner_user: User, agreements: dict[str, Agreement]
) -> None:
    assert _visible(partner_user) == {"VJEPA"}  # JP-DEF is classified above what partners may see
    with pytest.raises(NotFound):
        selectors.agreement_get(actor=actor_of(partner_user), agreement_id=agreements["vkfta"].pk)


def test_organisation_partner_sees_agreements_its_organisation_is_party_to(
    eu_user: User, agreements: dict[str, Agreement]
) -> None:
    assert _visible(eu_user) == {"EVFTA"}


@pytest.mark.parametrize("username", ["treaty", "econ", "jp-partner"])
def test_rule_and_listing_agree(
    username: str,
    treaty_officer: User,
    other_department_officer: User,
    partner_user: User,
    agreements: dict[str, Agreement],
) -> None:
    user = {"treaty": treaty_officer, "econ": other_department_officer, "jp-partner": partner_user}[username]
    actor = actor_of(user)
    listed = _visible(user)
    for agreement in Agreement.objects.all():
        assert access.can(actor, "agreements.view", agreement) == (agreement.short_name in listed)


def test_only_the_lead_departments_treaty_officer_records_events(
    treaty_officer: User, other_department_officer: User, partner_user: User, agreements: dict[str, Agreement]
) -> None:
    vjepa = agreements["vjepa"]
    vn = Party.objects.get(agreement=vjepa, country_code="VN").pk
    event = services.event_record(
        actor=actor_of(treaty_officer),
        agreement_id=vjepa.pk,
        kind="signature",
        on=day("2008-12-25"),
        source="S8",
        party_id=vn,
    )
    assert event.recorded_by_id == treaty_officer.pk
    with pytest.raises(PermissionDenied):
        services.event_record(
            actor=actor_of(other_department_officer),
            agreement_id=vjepa.pk,
            kind="ratification",
            on=day("2009-01-10"),
            source="S8",
            party_id=vn,
        )
    with pytest.raises(PermissionDenied):
        services.party_add(actor=actor_of(partner_user), agreement_id=vjepa.pk, country_code="KR")
    assert vjepa.events.count() == 1


def test_hidden_agreement_looks_missing_to_writers(
    other_department_officer: User, agreements: dict[str, Agreement]
) -> None:
    with pytest.raises(NotFound):
        services.party_add(
            actor=actor_of(other_department_officer), agreement_id=agreements["secret-jp"].pk, country_code="KR"
        )


def test_only_internal_treaty_officers_create(
    treaty_officer: User, partner_user: User, other_department_officer: User
) -> None:
    assert access.can(actor_of(treaty_officer), "agreements.create")
    assert access.can(actor_of(other_department_officer), "agreements.create")
    assert not access.can(actor_of(partner_user), "agreements.create")
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=actor_of(partner_user), short_name="X", title_en="X", kind="treaty", scope="bilateral"
        )


def test_an_organisation_never_stands_for_its_host_state(agreements: dict[str, Agreement]) -> None:
    from tests.factories import OrganisationFactory, UserFactory

    secretariat = OrganisationFactory(code="io-asean-secretariat", kind="international_organisation", country_code="JP")
    user = UserFactory(username="asean", role="partner", organisation=secretariat, clearance=Classification.INTERNAL)
    asean = make_agreement(short_name="AJCEP", parties=("JP",), organisations=("ASEAN",))
    assert _visible(user) == {asean.short_name}
