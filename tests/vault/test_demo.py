"""The vault's demo documents: stored through the services, marked, shared, idempotent, searchable."""

from __future__ import annotations

import pytest

from chancery.identity.enums import Role
from chancery.platform.enums import Classification
from chancery.vault import search, selectors
from chancery.vault.demo import vault_demo_seed
from chancery.vault.models import Document
from tests.conftest import actor_of
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_documents_are_seeded_once_and_shared_as_marked() -> None:
    ministry = OrganisationFactory(code="mofa", kind="ministry")
    treaties = OrganisationFactory(code="dept-law-treaties", parent=ministry)
    tokyo = MissionFactory(code="emb-tokyo", parent=ministry)
    paris = MissionFactory(code="emb-paris", parent=ministry, country_code="FR", city="Paris")
    japan = OrganisationFactory(code="partner-mofa-japan", kind="partner_ministry")
    OrganisationFactory(code="io-asean-secretariat", kind="international_organisation")
    UserFactory(
        username="treaty", role=Role.TREATY_OFFICER, organisation=treaties, clearance=Classification.CONFIDENTIAL
    )
    UserFactory(username="tokyo", role=Role.MISSION_OFFICER, organisation=tokyo, clearance=Classification.SECRET)
    UserFactory(username="paris", role=Role.MISSION_OFFICER, organisation=paris, clearance=Classification.INTERNAL)
    partner = UserFactory(username="partner-japan", role=Role.PARTNER, organisation=japan)

    assert vault_demo_seed() == 4
    assert vault_demo_seed() == 0
    assert [r.code for r in selectors.retention_class_list()] == [
        "working-papers-2y",
        "correspondence-10y",
        "agreements-permanent",
    ]
    assert Document.objects.count() == 4
    seen = {d.title_en for d in selectors.document_list(actor=actor_of(partner))}
    assert seen == {
        "Charter of the United Nations — Preamble",
        "Vienna Convention on Diplomatic Relations — Articles 22, 24, 29",
    }
    found = search.document_search_queryset(actor=actor_of(partner), query="premises of the mission inviolable")
    assert [d.title_en for d in found] == ["Vienna Convention on Diplomatic Relations — Articles 22, 24, 29"]
    assert Document.objects.get(tlp="RED").classification == Classification.CONFIDENTIAL
