"""HTTP security headers and cookie flags on pages and API responses, with production-like settings."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.factories import TEST_PASSWORD
from tests.http.conftest import https_client_for_tests
from tests.http.pages import page_facts

pytestmark = pytest.mark.django_db


def csp_directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response: HttpResponse) -> None:
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "*" not in response["Content-Security-Policy"].replace("'self'", "")


def test_sign_in_page_has_every_security_header(https_client: Client) -> None:
    response = https_client.get("/accounts/login/")
    assert response.status_code == 200
    assert_hardened(response)


def test_scripts_and_styles_come_only_from_self_or_a_per_response_nonce(https_client: Client) -> None:
    directives = csp_directives(https_client.get("/accounts/login/"))
    for name in ("script-src", "style-src"):
        assert directives[name][0] == "'self'"
        assert all(re.fullmatch(r"'nonce-[A-Za-z0-9+/_=-]{16,}'", value) for value in directives[name][1:])


def test_signed_in_dashboard_has_every_security_header(officer_client: Client) -> None:
    response = officer_client.get("/")
    assert response.status_code == 200
    assert_hardened(response)


def test_api_response_has_security_headers_and_no_sniffing(https_client: Client) -> None:
    response = https_client.get("/api/openapi.json")
    assert_hardened(response)
    if response.status_code == 200:  # once the API is mounted its schema is public JSON
        assert response["Content-Type"].startswith("application/json")


def test_hsts_is_not_sent_over_plain_http(production_settings: None) -> None:
    response = Client().get("/accounts/login/")
    assert "Strict-Transport-Security" not in response


def test_csrf_cookie_is_secure_host_only_and_http_only(https_client: Client) -> None:
    response = https_client.get("/accounts/login/")
    cookie = response.cookies["__Host-chancery-csrf"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_session_cookie_after_password_sign_in_is_secure_and_http_only(
    https_client: Client, desk_officer: object
) -> None:
    https_client.get("/accounts/login/")
    response = https_client.post("/accounts/login/", {"login": "desk", "password": TEST_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["__Host-chancery-session"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert cookie["max-age"] == ""  # ends with the browser; the server ends it sooner when idle


def test_language_cookie_is_secure_in_production(https_client: Client) -> None:
    response = https_client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies["django_language"]["secure"] is True
    assert response.cookies["django_language"]["httponly"] is True
    assert response.cookies["django_language"]["samesite"] == "Lax"
    assert response.cookies["django_language"].value == "en"


def test_post_without_csrf_token_is_refused(production_settings: None, desk_officer: object) -> None:
    client = https_client_for_tests(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "desk", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "__Host-chancery-session" not in response.cookies


def test_sign_in_page_declares_its_language(https_client: Client) -> None:
    assert page_facts(https_client.get("/accounts/login/").content.decode()).html_lang == "vi"
    english = https_client.get("/accounts/login/", headers={"accept-language": "en"})
    assert page_facts(english.content.decode()).html_lang == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/missions/organisations", "/tlog/checkpoint"])
def test_trace_is_refused_everywhere(client: Client, path: str) -> None:
    response = client.generic("TRACE", path)
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]
    assert b"Cookie" not in response.content
