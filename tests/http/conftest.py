"""Fixtures for the HTTP security tests: production-like settings and signed-in clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chancery.identity.models import User
from tests.conftest import enable_totp

# What `chancery serve` runs with (CHANCERY_SECURE_COOKIES on, the default).
PRODUCTION_LIKE = {
    "DEBUG": False,
    "SECURE_COOKIES": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-chancery-session",
    "CSRF_COOKIE_NAME": "__Host-chancery-csrf",
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
}


class HttpsClient(Client):
    """A test client whose requests arrive over HTTPS (as through the TLS proxy)."""

    def generic(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


def https_client_for_tests(**kwargs: bool) -> Client:
    """Return a test client whose requests arrive over HTTPS."""
    return HttpsClient(**kwargs)


@pytest.fixture
def production_settings(settings: object) -> None:
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)


@pytest.fixture
def https_client(production_settings: None) -> Client:
    """An anonymous client speaking HTTPS (as behind the TLS proxy)."""
    return https_client_for_tests()


@pytest.fixture
def officer_client(production_settings: None, security_officer: User) -> Client:
    """A security officer with TOTP set up, signed in over HTTPS: sees every page there is."""
    enable_totp(security_officer)
    client = https_client_for_tests()
    client.force_login(security_officer)
    return client


@pytest.fixture
def desk_client(production_settings: None, desk_officer: User) -> Client:
    """A desk officer signed in over HTTPS."""
    client = https_client_for_tests()
    client.force_login(desk_officer)
    return client
