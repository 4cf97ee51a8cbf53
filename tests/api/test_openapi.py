"""The OpenAPI 3.1 document: served, committed in docs/openapi.json, and documenting problem+json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from chancery.identity.models import User
from chancery.platform.api.snapshot import REGENERATE_HINT, SNAPSHOT_PATH, openapi_document, openapi_render
from tests.conftest import enable_totp


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_committed_snapshot_matches_the_code() -> None:
    with translation.override("en"):
        current = openapi_render()
    committed = SNAPSHOT_PATH.read_text(encoding="utf-8") if SNAPSHOT_PATH.is_file() else ""
    assert committed == current, f"docs/openapi.json is out of date: run `{REGENERATE_HINT}` and commit it."


def test_document_is_openapi_3_1_with_json_schema_nulls() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    keys = {key for key, _value in _walk(document)}
    assert "nullable" not in keys  # 3.0-only; 3.1 uses JSON Schema's {"type": "null"}
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_every_operation_documents_problem_json_errors() -> None:
    document = openapi_document()
    assert list(_operations(document)), "the API has no operations"
    for path, method, operation in _operations(document):
        operation_id = operation.get("operationId", f"{method} {path}")
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), operation_id
        assert operation.get("security"), f"{operation_id} must require authentication"
        for code, response in responses.items():
            if int(code) >= 400:
                assert set(response["content"]) == {"application/problem+json"}, (operation_id, code)


def test_every_operation_id_is_unique() -> None:
    ids = [operation["operationId"] for _path, _method, operation in _operations(openapi_document())]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_served_document_equals_generated_one(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(openapi_render())


@pytest.mark.django_db
def test_docs_page_is_for_signed_in_users_and_uses_no_cdn(client: Client, desk_officer: User) -> None:
    anonymous = client.get("/api/v1/docs")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    client.force_login(desk_officer)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script (strict CSP)


@pytest.mark.django_db
def test_docs_assets_are_served_locally(client: Client, security_officer: User) -> None:
    enable_totp(security_officer)
    client.force_login(security_officer)
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset


def test_export_command_writes_and_checks(tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    target = tmp_path / "openapi.json"
    target.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="export_openapi"):
        call_command("export_openapi", "--check", "--output", str(target))
    call_command("export_openapi", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["openapi"] == "3.1.0"
    call_command("export_openapi", "--check", "--output", str(target))  # now up to date: no error
