"""A page view's domain NotFound / PermissionDenied becomes the 404 / 403 page; the API keeps problem+json."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from chancery.identity.models import User
from chancery.identity.tokens import api_token_create
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.middleware import DomainErrorPagesMiddleware
from tests.conftest import actor_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.platform.domain_error_urls")]


def template_names(response: object) -> list[str]:
    return [template.name for template in getattr(response, "templates", []) if template.name]


def test_not_found_from_a_page_is_the_404_page_like_http404(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/domain-errors/missing/")
    django_404 = client.get("/domain-errors/http404/")
    assert response.status_code == django_404.status_code == 404
    assert "404.html" in template_names(response)
    assert template_names(response) == template_names(django_404)
    assert response["Content-Type"].startswith("text/html")
    assert "Not Found: /domain-errors/missing/" in caplog.messages


def test_permission_denied_from_a_page_is_the_403_page(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/domain-errors/refused/")
    assert response.status_code == 403
    assert "403.html" in template_names(response)
    assert "404.html" not in template_names(response)
    assert response["Content-Type"].startswith("text/html")
    assert "Forbidden (Permission denied): /domain-errors/refused/" in caplog.messages


@pytest.mark.parametrize(
    ("path", "error"), [("/domain-errors/invalid/", InvalidInput), ("/domain-errors/broken/", ValueError)]
)
def test_other_exceptions_pass_through(client: Client, path: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        client.get(path)


def test_real_pages_answer_404_and_403(client: Client, desk_officer: User) -> None:
    client.force_login(desk_officer)
    assert client.get("/vault/999999/").status_code == 404  # document_open raises NotFound
    refused = client.get("/security/accounts/")  # managed_user_list refuses a desk officer
    assert refused.status_code == 403
    assert "403.html" in template_names(refused)


def test_api_operations_keep_their_problem_json(client: Client, desk_officer: User) -> None:
    secret = api_token_create(actor=actor_of(desk_officer), name="t", scopes=["audit:read"], lifetime_days=1).secret
    headers = {"Authorization": f"Bearer {secret}"}
    missing = client.get("/api/domain-errors/missing", headers=headers)
    refused = client.get("/api/domain-errors/refused", headers=headers)
    for response, status, slug, detail in [
        (missing, 404, "not-found", "No such cable."),
        (refused, 403, "permission-denied", "Only the drafter may release this cable."),
    ]:
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/problem+json")
        body = response.json()
        assert (body["type"], body["status"], body["detail"]) == (f"/problems/{slug}", status, detail)
        assert template_names(response) == []


def test_api_paths_are_left_alone(client: Client) -> None:
    with pytest.raises(NotFound):  # not turned into an HTML page: the API answers its own errors
        client.get("/api/plain-view/missing/")


def test_process_exception_ignores_the_api_and_other_errors() -> None:
    def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = DomainErrorPagesMiddleware(get_response)
    factory = RequestFactory()
    assert middleware.process_exception(factory.get("/api/v1/cables/1"), NotFound()) is None
    assert middleware.process_exception(factory.get("/api/v1/cables/1"), PermissionDenied()) is None
    for error in (Conflict(), InvalidInput(), ValueError(), KeyError("x")):
        assert middleware.process_exception(factory.get("/cables/1/"), error) is None
