"""Outreach fixtures: the fake platform servers, Chancery's OAuth clients at them, and a press officer."""

from typing import Any

import pytest

from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach.fake_platforms import FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, X_CLIENT_ID, X_CLIENT_SECRET
from tests.outreach.factories import press_officer
from tests.outreach.fakes import fake_bluesky, fake_mastodon
from tests.outreach.platform_fakes import fake_bluesky_auth, fake_facebook, fake_mastodon_auth, fake_x

__all__ = ["fake_bluesky", "fake_bluesky_auth", "fake_facebook", "fake_mastodon", "fake_mastodon_auth", "fake_x"]


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""


@pytest.fixture
def oauth_clients(settings: Any) -> None:
    """Register Chancery as the OAuth client of the fake X and the fake Facebook app."""
    settings.OUTREACH_X_CLIENT_ID, settings.OUTREACH_X_CLIENT_SECRET = X_CLIENT_ID, X_CLIENT_SECRET
    settings.OUTREACH_FACEBOOK_APP_ID, settings.OUTREACH_FACEBOOK_APP_SECRET = FACEBOOK_APP_ID, FACEBOOK_APP_SECRET


@pytest.fixture
def press(ministry: Organisation) -> User:
    """A press officer of the ministry (may manage outreach accounts)."""
    return press_officer(ministry)
