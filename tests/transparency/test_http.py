"""Proof and entry endpoints of the API, and the auditors' page."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from chancery.transparency.models import LogEntry
from chancery.transparency.services import checkpoint_publish, tlog_append
from chancery_tlog import merkle
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_of_nine(db: Any) -> bytes:
    for n in range(9):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    signed = checkpoint_publish()
    assert signed is not None
    return bytes(signed.root_hash)


def _leaf(index: int) -> bytes:
    return bytes(LogEntry.objects.get(index=index).leaf_hash)


def test_inclusion_proof_from_the_api_verifies(client: Client, desk_officer: Any, log_of_nine: bytes) -> None:
    client.force_login(desk_officer)
    response = client.get("/api/v1/tlog/proofs/inclusion", {"index": 4, "size": 9})
    assert response.status_code == 200
    proof = [base64.b64decode(h) for h in response.json()["proof"]]
    assert merkle.verify_inclusion(_leaf(4), 4, 9, proof, log_of_nine)


def test_consistency_proof_from_the_api_verifies(client: Client, desk_officer: Any, log_of_nine: bytes) -> None:
    client.force_login(desk_officer)
    leaves = [_leaf(i) for i in range(9)]
    response = client.get("/api/v1/tlog/proofs/consistency", {"old": 5, "new": 9})
    assert response.status_code == 200
    proof = [base64.b64decode(h) for h in response.json()["proof"]]
    assert merkle.verify_consistency(5, 9, merkle.root_hash(leaves[:5]), log_of_nine, proof)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"index": 9, "size": 9}, 422),  # index out of range
        ({"index": 0, "size": 10}, 422),  # beyond the signed checkpoint
        ({"index": -1, "size": 3}, 422),
        ({"index": "x", "size": 3}, 422),
    ],
)
def test_bad_proof_requests_are_problems(
    client: Client, desk_officer: Any, log_of_nine: bytes, query: dict[str, Any], status: int
) -> None:
    client.force_login(desk_officer)
    response = client.get("/api/v1/tlog/proofs/inclusion", query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")


def test_proofs_need_authentication(client: Client, log_of_nine: bytes) -> None:
    response = client.get("/api/v1/tlog/proofs/inclusion", {"index": 0, "size": 9})
    assert response.status_code == 401


def test_entry_metadata_is_for_auditors_only(
    client: Client, desk_officer: Any, security_officer: Any, log_of_nine: bytes
) -> None:
    client.force_login(desk_officer)
    assert client.get("/api/v1/tlog/entries/3").status_code == 403
    enable_totp(security_officer)
    client.force_login(security_officer)
    response = client.get("/api/v1/tlog/entries/3")
    assert response.status_code == 200
    assert response.json()["record_id"] == "3"
    assert client.get("/api/v1/tlog/entries/99").status_code == 404


def test_auditors_page_verifies_a_records_inclusion(
    client: Client, security_officer: Any, desk_officer: Any, log_of_nine: bytes
) -> None:
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/transparency/", {"record_type": "test.record", "record_id": "6"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "#6" in body
    assert base64.b64encode(log_of_nine).decode() in body
    assert "badge-success" in body
    missing = client.get("/transparency/", {"record_type": "test.record", "record_id": "404"})
    assert 'role="alert"' in missing.content.decode()
    client.force_login(desk_officer)
    assert client.get("/transparency/").status_code == 403
