"""ASVS V4.1.2: with CHANCERY_SSL_REDIRECT on, pages redirect to HTTPS but machine endpoints answer an error."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/openapi.json", "/api/v1/agreements/", "/api/nowhere", "/taxii2/", "/tlog/checkpoint"]
)
def test_plain_http_to_a_machine_endpoint_is_403_problem_not_a_redirect(client: Client, path: str) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get(path, HTTP_AUTHORIZATION="Bearer chancery_leaked")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "Location" not in response
    body = json.loads(response.content)
    assert body["type"] == "/problems/https-required"
    assert body["status"] == 403
    assert body["instance"] == path


def test_pages_still_redirect_and_https_requests_pass(client: Client) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        page = client.get("/vault/")
        assert page.status_code == 301
        assert page["Location"].startswith("https://")
        api = client.get("/api/v1/agreements/", secure=True)
        assert api.status_code == 401  # reached the API, which refuses the anonymous caller
    with override_settings(SECURE_SSL_REDIRECT=False):
        assert Client().get("/api/v1/agreements/").status_code == 401  # a new client: middleware reads settings
