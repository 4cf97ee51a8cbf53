"""Fixtures for the missions tests: compartments, partners, headquarters users and reports."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Compartment, Organisation, PostReport
from chancery.platform.enums import TLP, Classification
from tests.factories import CompartmentFactory, OrganisationFactory, UserFactory
from tests.missions.factories import PostReportFactory


@pytest.fixture
def scs() -> Compartment:
    return CompartmentFactory(code="south-china-sea", name_en="East Sea", name_vi="Biển Đông")


@pytest.fixture
def trade() -> Compartment:
    return CompartmentFactory(code="trade-negotiations", name_en="Trade negotiations", name_vi="Đàm phán thương mại")


@pytest.fixture
def department(ministry: Organisation) -> Organisation:
    return OrganisationFactory(
        code="dept-northeast-asia",
        kind="department",
        parent=ministry,
        name_en="Department of Northeast Asia",
        name_vi="Vụ Đông Bắc Á",
    )


@pytest.fixture
def partner_japan() -> Organisation:
    return OrganisationFactory(
        code="partner-mofa-japan",
        kind="partner_ministry",
        country_code="JP",
        city="Tokyo",
        name_en="Ministry of Foreign Affairs of Japan",
        name_vi="Bộ Ngoại giao Nhật Bản",
    )


@pytest.fixture
def partner_asean() -> Organisation:
    return OrganisationFactory(
        code="io-asean-secretariat",
        kind="international_organisation",
        country_code="ID",
        city="Jakarta",
        name_en="ASEAN Secretariat",
        name_vi="Ban Thư ký ASEAN",
    )


@pytest.fixture
def tokyo_officer(mission_tokyo: Organisation, scs: Compartment) -> User:
    """A mission officer in Tokyo cleared CONFIDENTIAL with the East Sea compartment."""
    user = UserFactory(
        username="tokyo-officer",
        role=Role.MISSION_OFFICER,
        organisation=mission_tokyo,
        clearance=Classification.CONFIDENTIAL,
    )
    user.compartments.add(scs)
    return user


@pytest.fixture
def hq_desk(department: Organisation, scs: Compartment) -> User:
    """A headquarters desk officer cleared CONFIDENTIAL with the East Sea compartment."""
    user = UserFactory(
        username="hq-desk", role=Role.DESK_OFFICER, organisation=department, clearance=Classification.CONFIDENTIAL
    )
    user.compartments.add(scs)
    return user


@pytest.fixture
def hq_press(department: Organisation, scs: Compartment) -> User:
    """A headquarters press officer, same clearance and compartment as ``hq_desk`` but another role."""
    user = UserFactory(
        username="hq-press", role=Role.PRESS_OFFICER, organisation=department, clearance=Classification.CONFIDENTIAL
    )
    user.compartments.add(scs)
    return user


@pytest.fixture
def japan_partner(partner_japan: Organisation) -> User:
    return UserFactory(
        username="partner-japan", role=Role.PARTNER, organisation=partner_japan, clearance=Classification.INTERNAL
    )


@pytest.fixture
def asean_partner(partner_asean: Organisation) -> User:
    return UserFactory(
        username="partner-asean", role=Role.PARTNER, organisation=partner_asean, clearance=Classification.INTERNAL
    )


@pytest.fixture
def confidential_report(mission_tokyo: Organisation, tokyo_officer: User, scs: Compartment) -> PostReport:
    """A CONFIDENTIAL Tokyo report in the East Sea compartment."""
    return PostReportFactory(
        mission=mission_tokyo,
        author=tokyo_officer,
        classification=Classification.CONFIDENTIAL,
        compartments=[scs],
        title_en="Maritime consultations",
        title_vi="Tham vấn biển",
    )


@pytest.fixture
def internal_report(mission_tokyo: Organisation, tokyo_officer: User) -> PostReport:
    """An INTERNAL Tokyo report without compartments, not shared."""
    return PostReportFactory(
        mission=mission_tokyo,
        author=tokyo_officer,
        classification=Classification.INTERNAL,
        title_en="Economic outlook",
        title_vi="Triển vọng kinh tế",
    )


@pytest.fixture
def shared_report(mission_tokyo: Organisation, tokyo_officer: User, partner_japan: Organisation) -> PostReport:
    """An INTERNAL Tokyo report marked TLP:GREEN and shared with Japan's foreign ministry."""
    return PostReportFactory(
        mission=mission_tokyo,
        author=tokyo_officer,
        classification=Classification.INTERNAL,
        tlp=TLP.GREEN,
        shared_with=[partner_japan],
        title_en="Joint note",
        title_vi="Ghi chú chung",
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with a fast hasher: these tests are about access, not password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
