"""Vault fixtures: a per-test blob directory and keyring, and the three users of the permission tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.audit.flush import audit_rows_flushable  # noqa: F401 - transactional tests leave audit rows


@pytest.fixture(autouse=True)
def _vault_paths(settings: Any, tmp_path: Path) -> None:
    """Keep every test's blobs and keyring in its own temporary directory."""
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Run in English, so that messages can be matched (the default language is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_search_index(request: pytest.FixtureRequest) -> Any:
    """Empty the search index (not a model, so the test flush does not) after each database test."""
    yield
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM vault_search")


@pytest.fixture
def partner_org() -> Any:
    from tests.factories import OrganisationFactory

    return OrganisationFactory(code="partner-jp", kind="partner_ministry", name_en="Partner", name_vi="Đối tác")


@pytest.fixture
def partner_user(partner_org: Any) -> Any:
    from chancery.identity.enums import Role
    from chancery.platform.enums import Classification
    from tests.factories import UserFactory

    return UserFactory(
        username="partner", role=Role.PARTNER, organisation=partner_org, clearance=Classification.INTERNAL
    )


@pytest.fixture
def cleared_officer(mission_tokyo: Any) -> Any:
    from chancery.identity.enums import Role
    from chancery.platform.enums import Classification
    from tests.factories import UserFactory

    return UserFactory(
        username="cleared", role=Role.DESK_OFFICER, organisation=mission_tokyo, clearance=Classification.SECRET
    )


from tests.vault.fake_s3 import s3_bucket, s3_endpoint, s3_vault  # noqa: E402, F401 - fixtures
