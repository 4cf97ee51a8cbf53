"""Key rotation, the orphan sweeper (crash recovery), retention with legal holds, watermarks and search."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from chancery.audit.models import AuditEvent
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, NotFound, PermissionDenied
from chancery.vault import crypto, maintenance, retention, search, services
from chancery.vault.blobs import blob_store
from chancery.vault.errors import IntegrityFailure
from chancery.vault.models import DocumentVersion
from tests.conftest import actor_of
from tests.vault.helpers import download, upload
from tests.vault.test_bad_input import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)
SYSTEM = Actor.system(purpose="test")


def test_rotation_rewraps_every_key_keeps_documents_readable_and_retires_the_old_key(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    documents = [upload(actor, f"document {i}".encode()) for i in range(3)]
    old_kek = DocumentVersion.objects.values_list("kek_id", flat=True).distinct().get()
    blobs_before = {v.blob_key: blob_store().path_of(v.blob_key).read_bytes() for v in DocumentVersion.objects.all()}  # type: ignore[attr-defined]
    report = maintenance.keys_rotate(actor=SYSTEM)
    assert report.rewrapped == 3
    assert report.retired == [old_kek]
    assert set(DocumentVersion.objects.values_list("kek_id", flat=True)) == {report.new_kek_id}
    for blob_key, content in blobs_before.items():  # content was not re-encrypted
        assert blob_store().path_of(blob_key).read_bytes() == content  # type: ignore[attr-defined]
    for index, document in enumerate(documents):
        assert download(actor, document) == f"document {index}".encode()
    keyring = json.loads(Path(settings.VAULT_KEYRING_FILE).read_text())
    old = next(k for k in keyring["keys"] if k["id"] == old_kek)
    assert old["key"] is None
    assert old["retired_at"]
    assert AuditEvent.objects.filter(action="vault.keys_rotated").count() == 1


def test_rotation_needs_the_keys_permission(desk_officer: User) -> None:
    with pytest.raises(PermissionDenied):
        maintenance.keys_rotate(actor=actor_of(desk_officer))


def test_the_sweeper_removes_orphans_from_a_crash_but_never_live_blobs(desk_officer: User) -> None:
    document = upload(actor_of(desk_officer))
    store = blob_store()
    # A crash after the blob was renamed into place but before the row committed:
    orphan = store.write([b"sealed bytes whose row never committed"])
    # A crash in the middle of writing:
    store.temporary_dir.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
    partial = store.temporary_dir / ("a" * 32 + ".part")  # type: ignore[attr-defined]
    partial.write_bytes(b"half")
    fresh = store.write([b"an upload still in flight"])
    for path in (store.path_of(orphan.key), partial):  # type: ignore[attr-defined]
        old = path.stat().st_mtime - 2 * settings.VAULT_ORPHAN_GRACE_SECONDS
        os.utime(path, (old, old))
    live = document.versions.get().blob_key
    os.utime(store.path_of(live), (0, 0))  # type: ignore[attr-defined]
    report = maintenance.orphans_sweep(actor=SYSTEM)
    assert report.orphan_blobs == 1
    assert report.temporary_files == 1
    assert report.missing_blobs == []
    assert set(store.keys(older_than_seconds=0)) == {live, fresh.key}
    assert download(actor_of(desk_officer), document)


def test_disposal_shreds_keys_respects_legal_holds_and_records_what_it_destroyed(
    desk_officer: User, security_officer: User
) -> None:
    owner = actor_of(desk_officer)
    officer = actor_of(security_officer)
    document = upload(owner, b"to be disposed of findme")
    blob_key = document.versions.get().blob_key
    with pytest.raises(PermissionDenied):
        retention.legal_hold_place(actor=owner, document_id=document.pk, reason="litigation")
    hold = retention.legal_hold_place(actor=officer, document_id=document.pk, reason="litigation")
    with pytest.raises(Conflict, match="legal hold"):
        retention.document_dispose(actor=officer, document_id=document.pk, reason="test")
    retention.legal_hold_release(actor=officer, hold_id=hold.pk)
    record = retention.document_dispose(actor=officer, document_id=document.pk, reason="test")
    version = DocumentVersion.objects.get(document=document)
    assert version.wrapped_key is None
    assert version.shredded_at is not None
    assert record.version_key_ids == [version.key_id]
    assert record.blob_keys == [blob_key]
    assert list(blob_store().keys(older_than_seconds=0)) == []
    with pytest.raises(NotFound):
        download(owner, document)
    assert search.document_search_queryset(actor=owner, query="findme").count() == 0
    with pytest.raises(Conflict):
        retention.document_dispose(actor=officer, document_id=document.pk, reason="again")


def test_the_disposal_job_takes_only_due_documents_not_on_hold(desk_officer: User, security_officer: User) -> None:
    from django.utils import timezone

    owner = actor_of(desk_officer)
    due, held, later = (upload(owner, f"doc {i}".encode()) for i in range(3))
    past = timezone.now() - timezone.timedelta(days=1)
    type(due).objects.filter(pk__in=[due.pk, held.pk]).update(dispose_after=past)
    type(due).objects.filter(pk=later.pk).update(dispose_after=timezone.now() + timezone.timedelta(days=9))
    retention.legal_hold_place(actor=actor_of(security_officer), document_id=held.pk, reason="audit")
    assert retention.disposal_run(actor=SYSTEM) == [due.pk]


def test_a_destroyed_key_cannot_decrypt_even_a_surviving_blob_copy(desk_officer: User, security_officer: User) -> None:
    document = upload(actor_of(desk_officer))
    version = document.versions.get()
    copy = blob_store().path_of(version.blob_key).read_bytes()  # type: ignore[attr-defined]
    retention.document_dispose(actor=actor_of(security_officer), document_id=document.pk, reason="test")
    restored = blob_store().write([copy])
    DocumentVersion.objects.filter(pk=version.pk).update(blob_key=restored.key)
    from chancery.vault import sealing

    version.refresh_from_db()
    ref = sealing.SealedRef(key_id=version.key_id, kek_id=version.kek_id, wrapped_key=None, blob_key=restored.key)
    with pytest.raises(crypto.IntegrityError):
        sealing.verify(ref)


def test_search_folds_vietnamese_and_stems_english(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    vietnamese = upload(actor, "Hiệp định về hợp tác biển Đông".encode())
    english = upload(actor, b"The parties negotiated several agreements on fisheries.")
    found = lambda q: set(search.document_search_queryset(actor=actor, query=q).values_list("pk", flat=True))  # noqa: E731
    assert found("hiep dinh") == {vietnamese.pk}
    assert found("HIỆP ĐỊNH") == {vietnamese.pk}
    assert found("dong") == {vietnamese.pk}
    assert found("agreement negotiating") == {english.pk}
    assert found("fishery") == {english.pk}
    assert found("agreement hiep") == set()
    assert found("   ") == set()
    assert search.fold("Đà Nẵng") == "da nang"


def test_watermarks_name_the_reader_on_text_and_pdf(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    text = upload(actor, b"body")
    marked = download(actor, text, watermark=True)
    assert marked.startswith(b"[Chancery - downloaded by desk at ")
    assert marked.endswith(b"body")
    pdf = upload(actor, pdf_bytes(), name="a.pdf", content_type="application/pdf")
    stamped = download(actor, pdf, watermark=True)
    assert "downloaded by desk" in PdfReader(io.BytesIO(stamped)).pages[0].extract_text()
    import hashlib

    assert hashlib.sha256(download(actor, pdf)).hexdigest() == pdf.versions.get().sha256  # unmarked: as stored


def test_an_integrity_failure_on_restore_is_refused(desk_officer: User) -> None:
    actor = actor_of(desk_officer)
    document = upload(actor)
    path = blob_store().path_of(document.versions.get().blob_key)  # type: ignore[attr-defined]
    path.write_bytes(path.read_bytes()[:-3] + b"abc")
    with pytest.raises(IntegrityFailure):
        services.version_restore(actor=actor, document_id=document.pk, number=1)
    assert document.versions.count() == 1
