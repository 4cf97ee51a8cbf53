"""Pages answer a friendly bilingual 503 page when the database is away and 507 when the disk is full (issue 11,
item 5); the API keeps answering problem+json. The pages are rendered without touching the database."""

from __future__ import annotations

import errno
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from chancery.identity.models import User
from chancery.resilience.unavailable import FaultPagesMiddleware, fault_page
from tests.api.conftest import assert_problem, bearer, issue_token

REFUSED = OperationalError("unable to open database file")


def _assert_bilingual(html: str) -> None:
    assert "Service unavailable" in html or "Storage full" in html
    assert "Dịch vụ không khả dụng" in html or "Bộ nhớ lưu trữ đã đầy" in html
    assert "unable to open" not in html  # no internals leak
    assert "<html" in html  # a real page, not bare text


@pytest.mark.django_db(transaction=True)
def test_a_page_with_the_database_away_is_a_bilingual_503_page(desk_officer: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(desk_officer)
    assert client.get("/vault/").status_code == 200
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=REFUSED):
        response = client.get("/vault/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    _assert_bilingual(html)


@pytest.mark.django_db(transaction=True)
def test_the_page_follows_the_chosen_language(desk_officer: User, english_pages: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(desk_officer)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=REFUSED):
        html = client.get("/vault/").content.decode()
    assert html.index("Service unavailable") < html.index("Dịch vụ không khả dụng")
    assert '<html lang="en">' in html


def test_a_database_failure_inside_a_view_is_caught_by_the_middleware(rf: Any) -> None:
    middleware = FaultPagesMiddleware(lambda request: mock.Mock())
    request = rf.get("/cables/")
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=AssertionError("no database")),
        translation.override("vi"),
    ):
        response = middleware.process_exception(request, REFUSED)
    assert response is not None
    assert response.status_code == 503
    html = response.content.decode()
    _assert_bilingual(html)
    assert html.index("Dịch vụ không khả dụng") < html.index("Service unavailable")  # the chosen language first
    assert '<html lang="vi">' in html
    assert middleware.process_exception(request, ValueError("a bug")) is None  # the 500 handler's job


def test_a_full_disk_in_a_page_is_a_bilingual_507_page(rf: Any) -> None:
    middleware = FaultPagesMiddleware(lambda request: mock.Mock())
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=AssertionError("no database")):
        response = middleware.process_exception(rf.post("/vault/upload/"), full)
    assert response is not None
    assert response.status_code == 507
    html = response.content.decode()
    _assert_bilingual(html)
    assert "Storage full" in html
    assert "No space left" not in html
    assert middleware.process_exception(rf.get("/"), OSError(errno.EACCES, "denied")) is None


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_during_a_page_upload_gives_the_507_page(desk_officer: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(desk_officer)
    full = OSError(errno.ENOSPC, "No space left on device")
    form = {
        "file": SimpleUploadedFile("note.txt", b"A note.", "text/plain"),
        "title_en": "A note",
        "classification": "10",
        "tlp": "AMBER",
        "language": "vi",
    }
    with mock.patch("chancery.vault.services.document_upload", side_effect=full) as called:
        response = client.post("/vault/upload/", form)
    assert called.called  # the form was valid: the failure came from storing
    assert response.status_code == 507
    _assert_bilingual(response.content.decode())


def test_the_api_keeps_problem_json(rf: Any) -> None:
    response = fault_page(rf.get("/api/v1/vault/documents"), REFUSED, 503)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db(transaction=True)
def test_the_api_with_the_database_away_is_still_a_503_problem(security_officer: User) -> None:
    token = issue_token(security_officer, ["monitoring:read"]).secret
    client = Client()
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=REFUSED):
        response = client.get("/api/v1/monitoring/alerts", **bearer(token))
    assert_problem(response, 503, "service-unavailable")
