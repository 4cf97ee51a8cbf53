"""Fixtures of the awareness tests: a partner ministry and a shared threat-intelligence collection."""

from __future__ import annotations

import pytest

from tests.threatintel.conftest import collection, other_partner_org, partner_org, partner_user

__all__ = ["collection", "other_partner_org", "partner_org", "partner_user"]


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
