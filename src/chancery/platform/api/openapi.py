"""Finishing touches on Ninja's OpenAPI 3.1 document: problem+json errors on every operation.

Ninja already emits ``"openapi": "3.1.0"`` with JSON Schema 2020-12 schemas (``anyOf`` with
``{"type": "null"}``, never ``nullable``). This module documents the error responses every operation
shares (401 and 429, 422 where it takes input) under ``application/problem+json``.
"""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import REF_TEMPLATE

from chancery.platform.api.problems import PROBLEM_CONTENT_TYPE, Problem

PROBLEM_REF = REF_TEMPLATE.format(model="Problem")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
SHARED_ERRORS = {
    "401": "Not authenticated: no session, or the API token is wrong, expired or revoked.",
    "429": "Rate limit reached; see the Retry-After header.",
}
INPUT_ERROR = {"422": "Invalid input; ``errors`` maps each field to its messages."}


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}}


def _finish_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    # Ninja's keys may be ints; the document's keys are strings.
    for code in list(responses):
        responses[str(code)] = responses.pop(code)
    wanted = dict(SHARED_ERRORS)
    if operation.get("parameters") or operation.get("requestBody"):
        wanted.update(INPUT_ERROR)
    for code, description in wanted.items():
        responses.setdefault(code, {"description": description, "content": _problem_content()})
    for response in responses.values():
        content = response.get("content", {})
        json_body = content.get("application/json")
        if json_body is not None and json_body.get("schema", {}).get("$ref") == PROBLEM_REF:
            response["content"] = _problem_content()


def openapi_finish(document: dict[str, Any]) -> dict[str, Any]:
    """Document shared problem+json errors on every operation of ``document`` (modified in place)."""
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                _finish_operation(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template=REF_TEMPLATE))
    return document
