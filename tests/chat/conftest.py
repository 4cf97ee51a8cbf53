"""Chat fixtures: a per-test keyring, English messages, and the people of a channel's life."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.chat.models import Channel
from chancery.chat.services import channel_create, member_add
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.enums import Classification
from tests.conftest import actor_of, enable_totp
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _chat_keyring(settings: Any, tmp_path: Path) -> None:
    """Keep every test's keyring and vault blobs in its own temporary directory."""
    settings.VAULT_KEYRING_FILE = tmp_path / "vault" / "keyring.json"
    settings.VAULT_BLOB_DIR = tmp_path / "vault" / "blobs"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Run in English so that messages can be matched."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def colleague(mission_tokyo: Organisation) -> User:
    """A second Tokyo officer (a member of Tokyo's mission channel)."""
    return UserFactory.create(
        username="tokyo-2", role="mission_officer", organisation=mission_tokyo, clearance=Classification.INTERNAL
    )


@pytest.fixture
def partner_user() -> User:
    partner = OrganisationFactory.create(code="partner-jp", kind="partner_ministry", country_code="JP")
    return UserFactory.create(
        username="partner", role="partner", organisation=partner, clearance=Classification.INTERNAL
    )


@pytest.fixture
def tokyo_channel(desk_officer: User, colleague: User) -> Channel:
    """Tokyo's mission channel (INTERNAL ceiling), created by the desk officer."""
    return channel_create(actor=actor_of(desk_officer), kind="unit", name="Tokyo general", ceiling=10)


@pytest.fixture
def topic_channel(desk_officer: User, colleague: User) -> Channel:
    """A topic channel owned by the desk officer, with the colleague added."""
    channel = channel_create(actor=actor_of(desk_officer), kind="topic", name="APEC preparations", ceiling=10)
    member_add(actor=actor_of(desk_officer), channel_id=channel.pk, username=colleague.username)
    return channel


def signed_in(user: User) -> Client:
    """Return a client signed in as ``user`` (with a TOTP authenticator when the user needs one)."""
    from allauth.mfa.utils import is_mfa_enabled

    if user.mfa_required and not is_mfa_enabled(user):
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
