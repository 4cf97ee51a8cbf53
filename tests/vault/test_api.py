"""The vault API: three users through tokens, multipart upload, streamed download, problems."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.api.conftest import assert_problem, bearer, issue_token
from tests.conftest import actor_of
from tests.vault.helpers import SECRET_SENTENCE, upload

pytestmark = pytest.mark.django_db(transaction=True)
ALL = ["vault:read", "vault:write"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_upload_list_get_download_through_the_api(
    desk_officer: User, other_mission_officer: User, partner_user: User, partner_org: Any
) -> None:
    client = Client()
    owner = bearer(issue_token(desk_officer, ALL).secret)
    response = client.post(
        "/api/v1/vault/documents",
        {
            "file": _file(
                b"Hi\xe1\xbb\x87p \xc4\x91\xe1\xbb\x8bnh th\xc6\xb0\xc6\xa1ng m\xe1\xba\xa1i", "agreement.txt"
            ),
            "title_en": "Trade agreement",
            "title_vi": "Hiệp định thương mại",
            "classification": "10",
            "countries": ["JP"],
        },
        **owner,
    )
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    assert response.json()["owning_unit"] == "emb-tokyo"
    share = client.post(
        f"/api/v1/vault/documents/{document_id}/shares",
        {"organisation": partner_org.code},
        content_type="application/json",
        **owner,
    )
    assert share.status_code == 201, share.content

    def listed(headers: dict[str, Any]) -> list[int]:
        return [item["id"] for item in client.get("/api/v1/vault/documents", **headers).json()["items"]]

    def searched(headers: dict[str, Any]) -> list[int]:
        return [item["id"] for item in client.get("/api/v1/vault/search?q=hiep+dinh", **headers).json()["items"]]

    partner = bearer(issue_token(partner_user, ["vault:read"]).secret)
    other = bearer(issue_token(other_mission_officer, ALL).secret)
    assert listed(owner) == listed(partner) == searched(owner) == searched(partner) == [document_id]
    assert listed(other) == searched(other) == []
    assert client.get("/api/v1/vault/search?q=hiep+dinh", **other).json()["count"] == 0

    got = client.get(f"/api/v1/vault/documents/{document_id}/content", **partner)
    assert got.status_code == 200
    assert b"".join(got.streaming_content).decode() == "Hiệp định thương mại"  # type: ignore[attr-defined]
    assert got["Content-Disposition"].startswith("attachment;")
    assert_problem(client.get(f"/api/v1/vault/documents/{document_id}/content", **other), 404, "not-found")
    assert_problem(client.get(f"/api/v1/vault/documents/{document_id}", **other), 404, "not-found")
    versions = client.get(f"/api/v1/vault/documents/{document_id}/versions", **owner).json()
    assert versions[0]["number"] == 1
    assert len(versions[0]["sha256"]) == 64


def test_bad_uploads_are_problems_and_read_only_tokens_cannot_write(desk_officer: User) -> None:
    client = Client()
    writer = bearer(issue_token(desk_officer, ALL).secret)
    empty = client.post("/api/v1/vault/documents", {"file": _file(b"", "a.txt"), "title_en": "x"}, **writer)
    assert assert_problem(empty, 422, "invalid-input")["errors"]["file"]
    mismatch = client.post(
        "/api/v1/vault/documents", {"file": _file(b"%PDF-1.4 junk", "a.txt"), "title_en": "x"}, **writer
    )
    assert_problem(mismatch, 422, "invalid-input")
    reader = bearer(issue_token(desk_officer, ["vault:read"]).secret)
    refused = client.post("/api/v1/vault/documents", {"file": _file(b"hello", "a.txt"), "title_en": "x"}, **reader)
    assert_problem(refused, 403)


def test_confidential_downloads_by_token_are_refused_for_lack_of_mfa(cleared_officer: User) -> None:
    document = upload(actor_of(cleared_officer), classification=Classification.CONFIDENTIAL)
    client = Client()
    token = bearer(issue_token(cleared_officer, ALL).secret)
    response = client.get(f"/api/v1/vault/documents/{document.pk}/content", **token)
    body = assert_problem(response, 403, "mfa-required")
    assert SECRET_SENTENCE not in body["detail"]


def _file(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_holds_and_disposal_through_the_api(desk_officer: User, security_officer: User) -> None:
    from tests.conftest import enable_totp

    enable_totp(security_officer)
    document = upload(actor_of(desk_officer))
    client = Client()
    officer = bearer(issue_token(security_officer, ["vault:admin"]).secret)
    owner = bearer(issue_token(desk_officer, ["vault:admin", "vault:read"]).secret)
    assert_problem(
        client.post(
            f"/api/v1/vault/documents/{document.pk}/holds", {"reason": "x"}, content_type="application/json", **owner
        ),
        403,
    )
    hold = client.post(
        f"/api/v1/vault/documents/{document.pk}/holds", {"reason": "audit"}, content_type="application/json", **officer
    )
    assert hold.status_code == 201, hold.content
    refused = client.post(
        f"/api/v1/vault/documents/{document.pk}/dispose", {"reason": "due"}, content_type="application/json", **officer
    )
    assert_problem(refused, 409, "conflict")
    assert client.post(f"/api/v1/vault/holds/{hold.json()['id']}/release", **officer).status_code == 200
    disposed = client.post(
        f"/api/v1/vault/documents/{document.pk}/dispose", {"reason": "due"}, content_type="application/json", **officer
    )
    assert disposed.status_code == 201, disposed.content
    assert disposed.json()["version_key_ids"] == [document.versions.get().key_id]
    assert_problem(client.get(f"/api/v1/vault/documents/{document.pk}/content", **owner), 404)
