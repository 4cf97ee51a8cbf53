"""Every chat page and API operation refuses anonymous visitors (the project-wide walk, narrowed to chat)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from chancery.platform.api.snapshot import openapi_document
from tests.test_anonymous_refused import _all_urls, _assert_refused, _concrete

pytestmark = pytest.mark.django_db


def test_chat_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    checked = 0
    for name, regex, _pattern in _all_urls():
        if not name.startswith("chat:"):
            continue
        path = _concrete(regex)
        assert path is not None, name
        _assert_refused(client, path, name)
        checked += 1
    assert checked == 11


def test_chat_api_answers_401_problems(client: Client) -> None:
    operations = 0
    for path, item in openapi_document()["paths"].items():
        if not path.startswith("/api/v1/chat"):
            continue
        for method in item:
            response = client.generic(
                method.upper(), re.sub(r"\{[^}]+\}", "1", path), data=b"{}", content_type="application/json"
            )
            assert response.status_code == 401, (method, path)
            assert response["Content-Type"].startswith("application/problem+json")
            operations += 1
    assert operations == 14
