"""Meeting fixtures: a configured Jitsi deployment (HS256 by default) and English messages."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.identity.models import User
from tests.cables.conftest import (  # noqa: F401 - the cable fixtures, for meetings started from a cable
    _cable_keyring,
    approver,
    asia_department,
    clearer,
    drafter,
    make_released,
    mission_berlin,
    outsider,
    recipient,
)
from tests.cables.test_api import session

JITSI_SECRET = "a-test-secret-of-32-characters-at-least!"


@pytest.fixture(autouse=True)
def _english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def jitsi(settings: Any) -> Any:
    """A Jitsi deployment at meet.mofa.test signing with a shared secret."""
    settings.JITSI_URL = "https://meet.mofa.test"
    settings.JITSI_APP_ID = "chancery"
    settings.JITSI_SECRET = JITSI_SECRET
    settings.JITSI_KEY_FILE = ""
    settings.JITSI_KEY_ID = ""
    settings.JITSI_AUDIENCE = "jitsi"
    settings.JITSI_SUBJECT = ""
    return settings


@pytest.fixture
def no_jitsi(settings: Any) -> Any:
    settings.JITSI_URL = ""
    settings.JITSI_APP_ID = ""
    settings.JITSI_SECRET = ""
    settings.JITSI_KEY_FILE = ""
    return settings


def signed_in(user: User) -> Any:
    """A test client signed in as ``user`` (with the second factor the role needs)."""
    return session(user)


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
