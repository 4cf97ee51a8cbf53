"""Signed-in pages must never be stored by shared caches; the public log endpoints stay cacheable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signed_in_page_is_private_and_not_stored(client: Client, desk_officer: Any) -> None:
    client.force_login(desk_officer)
    cache_control = client.get("/")["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_public_log_keys_keep_their_own_caching(client: Client, desk_officer: Any) -> None:
    client.force_login(desk_officer)
    cache_control = client.get("/tlog/vkey")["Cache-Control"]
    assert "public" in cache_control
    assert "no-store" not in cache_control
