"""Outreach fixtures: the fake platform servers."""

import pytest

from tests.outreach.fakes import fake_bluesky, fake_mastodon

__all__ = ["fake_bluesky", "fake_mastodon"]


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
