"""Fixtures for the API tests: a clean rate-limit cache, tokens and request helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.identity.models import User
from chancery.identity.tokens import IssuedToken, api_token_create
from tests.conftest import actor_of


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def issue_token(user: User, scopes: list[str], *, name: str = "test", days: int = 30) -> IssuedToken:
    """Create a token for ``user`` through the service, as the tokens page does."""
    return api_token_create(actor=actor_of(user), name=name, scopes=scopes, lifetime_days=days)


def bearer(secret: str) -> dict[str, Any]:
    """Return the test-client keyword that sends ``secret`` as a bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    """Assert that ``response`` is an RFC 9457 problem with ``status`` (and ``slug``); return its body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    if slug is not None:
        assert body["type"] == f"/problems/{slug}"
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.wsgi_request.path
    assert "Traceback" not in response.content.decode()
    return body


@pytest.fixture
def api_client() -> Client:
    return Client()
