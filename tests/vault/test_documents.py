"""Uploading, reading and downloading documents: encryption at rest, integrity, audit and the log."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from chancery.transparency.models import LogEntry
from chancery.transparency.verify import log_verify
from chancery.vault import services
from chancery.vault.blobs import blob_store
from chancery.vault.errors import IntegrityFailure, RecentMfaRequired
from chancery.vault.models import Document, DocumentVersion
from tests.conftest import actor_of
from tests.vault.helpers import SECRET_SENTENCE, download, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_then_download_round_trips_and_records_metadata(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor, countries=("jp", "VN"), tags=("Maritime", "maritime"))
    version = document.versions.get()
    assert version.size == len(SECRET_SENTENCE)
    assert version.mime_type == "text/plain"
    assert len(version.sha256) == 64
    assert version.created_by_id == desk_officer.pk
    assert document.countries == ["JP", "VN"]
    assert document.tags == ["maritime"]
    assert download(actor, document) == SECRET_SENTENCE.encode()
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert "vault.document_uploaded" in actions
    assert "vault.document_downloaded" in actions
    assert all(SECRET_SENTENCE[:20] not in str(e.detail) for e in AuditEvent.objects.all())


def _grep_tree(root: Path, needle: bytes) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_no_plaintext_under_var_or_in_the_database(desk_officer: User, tmp_path: Path) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor)
    assert download(actor, document) == SECRET_SENTENCE.encode()
    connection.close()  # flush SQLite's WAL into the file before grepping it
    # The marker word is long enough that random ciphertext, keys and signatures cannot contain it by chance.
    marker = "xq7zulwarbex"
    needles = [SECRET_SENTENCE.encode(), b"maritime boundary", marker.encode(), marker.encode("utf-16-le")]
    roots = [tmp_path, Path(settings.VAR_DIR)]
    for needle in needles:
        for root in roots:
            assert _grep_tree(root, needle) == [], needle
    if connection.vendor == "sqlite":
        database = Path(str(connection.settings_dict["NAME"]))
        with sqlite3.connect(database) as raw:
            for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for row in raw.execute(f'SELECT * FROM "{table}"'):
                    assert marker not in repr(row), table
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT terms::text FROM vault_search")
            assert all(marker not in body for (body,) in cursor.fetchall())
    assert not any(marker.encode() in bytes(v.wrapped_key) for v in DocumentVersion.objects.all())


def test_each_version_is_logged_and_the_log_verifies(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor)
    services.version_upload(
        actor=actor, document_id=document.pk, upload=services.upload_from_bytes(b"v2 text", name="n.txt")
    )
    entries = LogEntry.objects.filter(record_type="vault.version").order_by("index")
    assert [e.record_id for e in entries] == [str(v.pk) for v in document.versions.order_by("number")]
    leaf = bytes(entries[0].leaf_data).decode()
    assert document.versions.get(number=1).sha256 in leaf
    assert "note" not in leaf.lower()
    assert "Ghi" not in leaf
    report = log_verify()
    assert report.ok, report.findings


def test_a_flipped_byte_refuses_the_download_naming_the_document(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor, SECRET_SENTENCE.encode() * 100)
    version = document.versions.get()
    path = blob_store().path_of(version.blob_key)  # type: ignore[attr-defined]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityFailure, match=f"#{document.pk}"):
        services.document_download(actor=actor, document_id=document.pk)
    failed = AuditEvent.objects.get(action="vault.integrity_failed")
    assert failed.object_id == str(document.pk)
    assert not AuditEvent.objects.filter(action="vault.document_downloaded", outcome="success").exists()


def test_a_truncated_or_missing_blob_refuses(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor)
    path = blob_store().path_of(document.versions.get().blob_key)  # type: ignore[attr-defined]
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(IntegrityFailure):
        services.document_download(actor=actor, document_id=document.pk)
    path.unlink()
    with pytest.raises(IntegrityFailure):
        services.document_download(actor=actor, document_id=document.pk)


def test_confidential_downloads_need_a_recent_mfa_check(cleared_officer: User) -> None:
    actor = actor_of(cleared_officer)
    document = upload(actor, classification=Classification.CONFIDENTIAL)
    with pytest.raises(RecentMfaRequired):
        download(actor, document)
    stale = timezone.now() - timedelta(seconds=settings.VAULT_MFA_MAX_AGE_SECONDS + 5)
    with pytest.raises(RecentMfaRequired):
        download(actor, document, mfa_verified_at=stale)
    assert download(actor, document, mfa_verified_at=timezone.now()) == SECRET_SENTENCE.encode()
    assert AuditEvent.objects.filter(action="vault.document_downloaded", outcome="denied").count() == 2


def test_uploads_above_the_actors_clearance_or_for_another_unit_are_refused(
    desk_officer: User, mission_paris: Any
) -> None:
    actor = actor_of(desk_officer)
    with pytest.raises(PermissionDenied):
        upload(actor, classification=Classification.SECRET)
    with pytest.raises(PermissionDenied):
        services.document_upload(
            actor=actor,
            fields=services.DocumentFields(title_en="x", title_vi="x", classification=Classification.INTERNAL),
            upload=services.upload_from_bytes(b"hello", name="a.txt"),
            owning_unit_id=mission_paris.pk,
        )
    assert not Document.objects.exists()
    assert list(blob_store().keys(older_than_seconds=0)) == []


def test_bad_metadata_is_reported_per_field_and_nothing_is_stored(desk_officer: User) -> None:
    with pytest.raises(InvalidInput) as caught:
        upload(actor_of(desk_officer), title_en="", title_vi="", countries=("XX",), compartments=frozenset({"nope"}))
    assert {"title_vi", "countries", "compartments"} <= set(caught.value.errors)
    assert not Document.objects.exists()
    assert list(blob_store().keys(older_than_seconds=0)) == []


def test_a_failure_after_sealing_leaves_no_blob_and_no_row(desk_officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("simulated crash while writing rows")

    monkeypatch.setattr("chancery.vault.search.document_index", crash)
    with pytest.raises(RuntimeError, match="simulated"):
        upload(actor_of(desk_officer))
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert list(blob_store().keys(older_than_seconds=0)) == []


def test_versions_restore_and_not_found(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor, b"first text")
    services.version_upload(
        actor=actor, document_id=document.pk, upload=services.upload_from_bytes(b"second", name="n.txt")
    )
    restored = services.version_restore(actor=actor, document_id=document.pk, number=1)
    assert restored.number == 3
    assert restored.restored_from is not None
    assert restored.restored_from.number == 1
    assert restored.key_id != document.versions.get(number=1).key_id
    assert download(actor, document) == b"first text"
    assert download(actor, document, number=2) == b"second"
    with pytest.raises(NotFound):
        services.version_restore(actor=actor, document_id=document.pk, number=9)
