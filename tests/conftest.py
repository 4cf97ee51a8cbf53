"""Shared fixtures. Permission tests use three users: allowed, other role, other mission."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hypothesis
import pytest

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from tests.audit.flush import audit_rows_flushable  # noqa: F401 - autouse fixture for the whole suite
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

# Property tests check behaviour, not speed (timing belongs in bench/): a loaded machine must not fail them.
hypothesis.settings.register_profile("chancery", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("chancery")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the ``postgres`` tests unless the suite runs on PostgreSQL (CI's second pass runs them)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _isolated_environment(settings: Any, tmp_path: Path) -> None:
    """Run background tasks immediately and keep the log's keys and the vault's keyring per test."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.TLOG_KEY_DIR = tmp_path / "tlog-keys"
    settings.VAULT_KEYRING_FILE = tmp_path / "vault-keyring" / "keyring.json"
    # argon2id is slow on purpose; tests that check the real hasher read chancery.config.settings directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from chancery.transparency.keys import log_signer

    log_signer.cache_clear()


@pytest.fixture
def english_pages(settings: Any) -> None:
    """Serve pages and messages in English (the default is Vietnamese) so tests can match their text."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def ministry() -> Organisation:
    return OrganisationFactory(
        code="mofa", kind="ministry", name_en="Ministry of Foreign Affairs", name_vi="Bộ Ngoại giao"
    )


@pytest.fixture
def mission_tokyo(ministry: Organisation) -> Organisation:
    return MissionFactory(code="emb-tokyo", parent=ministry, country_code="JP", city="Tokyo")


@pytest.fixture
def mission_paris(ministry: Organisation) -> Organisation:
    return MissionFactory(code="emb-paris", parent=ministry, country_code="FR", city="Paris")


@pytest.fixture
def desk_officer(mission_tokyo: Organisation) -> User:
    return UserFactory(
        username="desk", role=Role.DESK_OFFICER, organisation=mission_tokyo, clearance=Classification.INTERNAL
    )


@pytest.fixture
def other_mission_officer(mission_paris: Organisation) -> User:
    return UserFactory(
        username="paris", role=Role.DESK_OFFICER, organisation=mission_paris, clearance=Classification.INTERNAL
    )


@pytest.fixture
def security_officer(ministry: Organisation) -> User:
    return UserFactory(
        username="secoff", role=Role.SECURITY_OFFICER, organisation=ministry, clearance=Classification.SECRET
    )


def actor_of(user: User) -> Actor:
    """Return the actor for ``user`` as a page or API request would build it."""
    return Actor.from_user(user, client_ip="127.0.0.1")


def enable_totp(user: User) -> str:
    """Give ``user`` a TOTP authenticator (as if set up through the MFA pages); return the base32 secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_totp_code(secret: str) -> str:
    """Return the TOTP code valid now for ``secret``."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
