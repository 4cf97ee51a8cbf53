"""Fixtures of this directory's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_pages(english_pages: None) -> None:
    """This directory's tests match English text on pages and in messages."""
