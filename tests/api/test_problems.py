"""Every error under /api/ is RFC 9457 problem+json, never a 500 page or a traceback."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from chancery.identity.models import User
from tests.api.conftest import assert_problem, bearer, issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_testing")]


@pytest.fixture
def secret(desk_officer: User) -> str:
    return issue_token(desk_officer, ["audit:read"]).secret


def test_anonymous_gets_401_problem_with_bearer_challenge(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_route_under_api_is_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v1/no/such/thing"), 404, "not-found")
    assert_problem(client.post("/api/v2/anything", data="{}", content_type="application/json"), 404, "not-found")


def test_api_root_is_404_problem_not_ninjas_hint(client: Client) -> None:
    body = assert_problem(client.get("/api/v1/"), 404, "not-found")
    assert "docs_url" not in body["detail"]


def test_wrong_method_is_405_problem_with_allow(client: Client, secret: str) -> None:
    response = client.delete("/api/v1/me", **bearer(secret))
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response["Allow"]


def test_malformed_json_is_400_problem(client: Client, secret: str) -> None:
    response = client.post("/api/test/echo", data=b'{"name": "x",', content_type="application/json", **bearer(secret))
    assert_problem(response, 400, "malformed-request")


def test_validation_error_is_422_with_field_errors(client: Client, secret: str) -> None:
    payload = {"name": "x" * 21, "count": -1}
    response = client.post("/api/test/echo", data=payload, content_type="application/json", **bearer(secret))
    body = assert_problem(response, 422, "invalid-input")
    assert set(body["errors"]) == {"body.payload.name", "body.payload.count"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())
    assert "x" * 21 not in response.content.decode()  # the input is not echoed back


def test_valid_body_reaches_the_handler_with_the_tokens_actor(client: Client, secret: str) -> None:
    response = client.post(
        "/api/test/echo", data={"name": "ok", "count": 2}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 200
    assert response.json() == {"name": "ok", "count": 2, "by": "desk"}


def test_oversized_body_is_413_problem(client: Client, secret: str, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # type: ignore[attr-defined]
    body = json.dumps({"name": "big", "count": 1, "pad": "x" * 4096})
    response = client.post("/api/test/echo", data=body, content_type="application/json", **bearer(secret))
    assert_problem(response, 413, "payload-too-large")


def test_domain_error_keeps_its_status_and_slug(client: Client, secret: str) -> None:
    body = assert_problem(client.get("/api/test/conflict", **bearer(secret)), 409, "conflict")
    assert body["detail"] == "The cable was already released."


def test_unexpected_exception_is_500_problem_without_internals(client: Client, secret: str) -> None:
    client.raise_request_exception = False
    response = client.get("/api/test/boom", **bearer(secret))
    body = assert_problem(response, 500, "internal-error")
    assert "internal secret" not in response.content.decode()
    assert "RuntimeError" not in body["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer chy_00000000_notarealtoken",
        "Bearer ",
        "Bearer chy_zz",
        "Bearer " + "A" * 5000,
    ],
)
def test_wrong_tokens_are_401_problem(client: Client, header: str) -> None:
    assert_problem(client.get("/api/v1/me", HTTP_AUTHORIZATION=header), 401, "not-authenticated")
