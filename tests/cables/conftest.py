"""Cable fixtures: a per-test keyring, and the units and people of a cable's life."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chancery.cables.content import CableContent, ParagraphIn
from chancery.cables.models import Cable
from chancery.cables.services import cable_clear, cable_create, cable_release, cable_submit
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import MissionFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _cable_keyring(settings: Any, tmp_path: Path) -> None:
    """Keep every test's keyring in its own temporary directory."""
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Run in English so that messages can be matched."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def asia_department(ministry: Organisation) -> Organisation:
    return OrganisationFactory(code="dept-asia", kind="department", parent=ministry)


@pytest.fixture
def mission_berlin(ministry: Organisation) -> Organisation:
    return MissionFactory(code="emb-berlin", parent=ministry, country_code="DE", city="Berlin")


def _user(username: str, role: str, organisation: Organisation, clearance: int = Classification.SECRET) -> User:
    return UserFactory(username=username, role=role, organisation=organisation, clearance=clearance)


@pytest.fixture
def drafter(
    mission_tokyo: Organisation,
    asia_department: Organisation,
    mission_paris: Organisation,
    mission_berlin: Organisation,
) -> User:
    """A Tokyo desk officer; the units the default content names exist with them."""
    return _user("tokyo-drafter", "desk_officer", mission_tokyo)


@pytest.fixture
def approver(mission_tokyo: Organisation) -> User:
    return _user("tokyo-head", "administrator", mission_tokyo)


@pytest.fixture
def clearer(asia_department: Organisation) -> User:
    return _user("asia-desk", "desk_officer", asia_department)


@pytest.fixture
def recipient(mission_paris: Organisation) -> User:
    return _user("paris-officer", "mission_officer", mission_paris)


@pytest.fixture
def outsider(mission_berlin: Organisation) -> User:
    return _user("berlin-desk", "desk_officer", mission_berlin)


def content(**overrides: Any) -> CableContent:
    """Return valid cable content addressed to Paris for action, Berlin for info, cleared by Asia."""
    values: dict[str, Any] = {
        "subject": "Hà Nội visit preparations",
        "classification": Classification.CONFIDENTIAL,
        "precedence": "IMMEDIATE",
        "paragraphs": [
            ParagraphIn(Classification.INTERNAL, "Summary of the **visit** plans."),
            ParagraphIn(Classification.CONFIDENTIAL, "Sensitive negotiating position."),
        ],
        "action_codes": ["emb-paris"],
        "info_codes": [],
        "clearer_codes": ["dept-asia"],
        "tags": ["PREL", "VN"],
        "captions": ["EXDIS"],
    }
    values.update(overrides)
    return CableContent(**values)


@pytest.fixture
def make_released(drafter: User, clearer: User, approver: User, recipient: User) -> Any:
    """Return a function that drafts, clears and releases a cable, returning it."""

    def make(**overrides: Any) -> Cable:
        cable = cable_create(actor=actor_of(drafter), content=content(**overrides))
        cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
        cable.refresh_from_db()
        if cable.state == "in_clearance":
            cable_clear(actor=actor_of(clearer), cable_id=cable.pk)
        return cable_release(actor=actor_of(approver), cable_id=cable.pk)

    return make
