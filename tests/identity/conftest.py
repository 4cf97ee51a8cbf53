"""Fixtures for identity tests: a clean cache (allauth remembers used TOTP codes there) and sign-in helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Use a fast hasher in these tests (argon2id is asserted on the real settings in test_passwords)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    """Render pages in English so assertions read naturally (Vietnamese is covered by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def sign_in_password(client: Client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    """POST the allauth sign-in form and return the response (not followed)."""
    return client.post("/accounts/login/", {"login": username, "password": password})


def actions(username: str = "") -> list[str]:
    """Return audit action names in the order they were written (optionally for one username)."""
    events = AuditEvent.objects.order_by("id")
    if username:
        events = events.filter(actor_username=username)
    return list(events.values_list("action", flat=True))
