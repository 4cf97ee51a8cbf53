"""Property: whatever the body and Authorization header, the API never answers 500, and errors are problems."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chancery.identity.models import User
from tests.api.conftest import issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_testing")]

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TARGETS = ["/api/test/echo", "/api/v1/me", "/api/v1/audit/events", "/api/v1/nowhere"]
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300)


def _check(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, response.content[:300]  # type: ignore[attr-defined]
    if status >= 400:
        assert response["Content-Type"].startswith("application/problem+json")  # type: ignore[index]


@FUZZ
@given(body=st.binary(max_size=2048), path=st.sampled_from(TARGETS), method=st.sampled_from(["POST", "PUT", "PATCH"]))
def test_random_bodies_with_a_valid_token_never_500(
    client: Client, desk_officer: User, body: bytes, path: str, method: str
) -> None:
    secret = getattr(desk_officer, "_fuzz_secret", None)
    if secret is None:
        secret = issue_token(desk_officer, ["audit:read"]).secret
        desk_officer._fuzz_secret = secret  # type: ignore[attr-defined]
    response = client.generic(
        method, path, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    _check(response)


@FUZZ
@given(
    json_body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=12,
    ),
)
def test_random_json_bodies_are_422_or_accepted(client: Client, desk_officer: User, json_body: object) -> None:
    secret = getattr(desk_officer, "_fuzz_secret", None)
    if secret is None:
        secret = issue_token(desk_officer, ["audit:read"]).secret
        desk_officer._fuzz_secret = secret  # type: ignore[attr-defined]
    response = client.post(
        "/api/test/echo", data=json_body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    _check(response)
    assert response.status_code in {200, 400, 422}


@FUZZ
@given(
    header=st.one_of(
        header_text, header_text.map(lambda t: f"Bearer {t}"), header_text.map(lambda t: f"Bearer chy_{t}")
    ),
    path=st.sampled_from(TARGETS),
)
def test_random_authorization_headers_are_refused_with_401(client: Client, header: str, path: str) -> None:
    response = client.get(path, HTTP_AUTHORIZATION=header)
    _check(response)
    assert response.status_code in {401, 404, 405}
