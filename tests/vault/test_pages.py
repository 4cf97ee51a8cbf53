"""The vault's pages: list and search, upload with form errors, detail, download, shares, compare."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.vault.models import Document
from tests.conftest import actor_of, enable_totp
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_list_and_search_show_only_readable_documents(desk_officer: User, other_mission_officer: User) -> None:
    document = upload(actor_of(desk_officer), "Hiệp định khung".encode(), title_en="Framework agreement")
    mine = client_for(desk_officer).get("/vault/?q=hiep+dinh")
    assert mine.status_code == 200
    assert "Framework agreement" in mine.content.decode()
    theirs = client_for(other_mission_officer).get("/vault/?q=hiep+dinh")
    assert "Framework agreement" not in theirs.content.decode()
    assert "0 documents" in theirs.content.decode()
    assert client_for(other_mission_officer).get(f"/vault/{document.pk}/").status_code == 404


def test_upload_page_stores_and_reports_bad_files(desk_officer: User) -> None:
    client = client_for(desk_officer)
    assert client.get("/vault/upload/").status_code == 200
    bad = client.post(
        "/vault/upload/",
        {
            "file": SimpleUploadedFile("a.txt", b"%PDF-1.4 x", "text/plain"),
            "title_en": "x",
            "classification": "10",
            "tlp": "AMBER",
            "language": "vi",
        },
    )
    assert bad.status_code == 400
    assert "The PDF is damaged" in bad.content.decode()
    good = client.post(
        "/vault/upload/",
        {
            "file": SimpleUploadedFile("a.md", b"# Notes\nfirst words", "text/markdown"),
            "title_en": "Notes",
            "classification": "10",
            "tlp": "AMBER",
            "language": "en",
            "tags": "a, b",
            "countries": "jp",
        },
    )
    assert good.status_code == 302
    document = Document.objects.get()
    assert good["Location"] == f"/vault/{document.pk}/"
    detail = client.get(good["Location"])
    assert detail.status_code == 200
    assert "Download version 1" in detail.content.decode()
    assert AuditEvent.objects.filter(action="vault.document_viewed", object_id=str(document.pk)).exists()
    download = client.get(f"/vault/{document.pk}/download/")
    assert b"".join(download.streaming_content) == b"# Notes\nfirst words"  # type: ignore[attr-defined]


def test_versions_compare_restore_share_and_comment_pages(desk_officer: User, other_mission_officer: User) -> None:
    client = client_for(desk_officer)
    document = upload(actor_of(desk_officer), b"the parties agree to cooperate")
    response = client.post(
        f"/vault/{document.pk}/versions/",
        {"file": SimpleUploadedFile("note.txt", b"the parties firmly agree to cooperate", "text/plain")},
    )
    assert response.status_code == 302
    compare = client.get(f"/vault/{document.pk}/compare/?old=1&new=2")
    assert "<ins> firmly</ins>" in compare.content.decode()
    assert client.post(f"/vault/{document.pk}/versions/1/restore/").status_code == 302
    assert document.versions.count() == 3
    client.post(f"/vault/{document.pk}/shares/", {"username": other_mission_officer.username})
    assert client_for(other_mission_officer).get(f"/vault/{document.pk}/").status_code == 200
    share = document.shares.get()
    client.post(f"/vault/{document.pk}/shares/{share.pk}/revoke/")
    assert client_for(other_mission_officer).get(f"/vault/{document.pk}/").status_code == 404
    client.post(f"/vault/{document.pk}/comments/", {"body": "Looks right."})
    assert "Looks right." in client.get(f"/vault/{document.pk}/").content.decode()


def test_confidential_download_page_sends_to_the_mfa_check(cleared_officer: User) -> None:
    enable_totp(cleared_officer)
    document = upload(actor_of(cleared_officer), classification=Classification.CONFIDENTIAL)
    response = client_for(cleared_officer).get(f"/vault/{document.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")


def test_integrity_failure_page_names_the_document(desk_officer: User) -> None:
    from chancery.vault.blobs import blob_store

    document = upload(actor_of(desk_officer))
    path = blob_store().path_of(document.versions.get().blob_key)  # type: ignore[attr-defined]
    path.write_bytes(path.read_bytes()[:-1] + b"\0")
    response = client_for(desk_officer).get(f"/vault/{document.pk}/download/")
    assert response.status_code == 500
    assert f"#{document.pk}" in response.content.decode()


def test_redline_marks_deleted_and_inserted_words() -> None:
    from chancery.vault.redline import redline

    segments = redline("we agree to trade fish", "we agree to trade rice")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "we agree to trade "),
        ("deleted", "fish"),
        ("inserted", "rice"),
    ]
