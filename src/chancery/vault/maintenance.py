"""Key rotation, key retirement and the orphan sweeper: the vault's housekeeping services."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.vault import sealing
from chancery.vault.blobs import blob_store
from chancery.vault.key_holders import holder_rewrap_batch, kek_ids_in_use, key_holders
from chancery.vault.keyring import KeyringError
from chancery.vault.models import DocumentVersion

REWRAP_BATCH = 500


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotation did: the new key, how many data keys were rewrapped, which old keys were retired."""

    new_kek_id: str
    rewrapped: int
    retired: list[str]


def keys_rotate(*, actor: Actor, retire: bool = True) -> RotationReport:
    """Create a new key-encryption key, rewrap every live data key under it, then retire unused old keys.

    Needs ``vault.keys``. Every registered key holder (document versions, cables, chat channels... see
    :mod:`chancery.vault.key_holders`) is rewrapped. Content is never re-encrypted: only the 60-byte
    wrapped keys change, in batches of ``REWRAP_BATCH`` rows per transaction (a crash leaves every row
    readable under its recorded KEK, and a second run finishes the job). Emits ``vault.keys_rotated``.
    """
    access.require(actor, "vault.keys")
    new = sealing.kek_rotate()
    rewrapped = 0
    for holder in key_holders():
        while True:
            done = holder_rewrap_batch(holder, kek_id=new.id, batch=REWRAP_BATCH)
            rewrapped += done
            if done < REWRAP_BATCH:
                break
    retired = keys_retire_unused(actor=actor) if retire else []
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vault.keys_rotated",
            object_type="vault.keyring",
            object_id=new.id,
            detail={"rewrapped": rewrapped, "retired": retired},
        )
    return RotationReport(new_kek_id=new.id, rewrapped=rewrapped, retired=retired)


def keys_retire_unused(*, actor: Actor) -> list[str]:
    """Retire (erase) every inactive key-encryption key that no live data key is wrapped under.

    Needs ``vault.keys``. Returns the retired key ids. Emits ``vault.key_retired`` for each.
    """
    access.require(actor, "vault.keys")
    ring = sealing.keyring()
    in_use = kek_ids_in_use()
    retired: list[str] = []
    for kek in ring.keys:
        if kek.active or kek.key is None or kek.id in in_use:
            continue
        try:
            sealing.kek_retire(kek.id)
        except KeyringError:  # Transit retires versions oldest first: one still needed holds the rest back
            continue
        retired.append(kek.id)
        with transaction.atomic():
            audit_record(actor=actor, action="vault.key_retired", object_type="vault.keyring", object_id=kek.id)
    return retired


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What the sweeper removed, and versions whose blob is missing (reported, never silently fixed)."""

    orphan_blobs: int
    temporary_files: int
    missing_blobs: list[int]


def orphans_sweep(*, actor: Actor, grace_seconds: int | None = None) -> SweepReport:
    """Delete blobs that no version row names and unfinished writes, both older than the grace period.

    Needs ``vault.keys`` (administrators, the system actor). The grace period (``VAULT_ORPHAN_GRACE_SECONDS``
    by default) protects uploads in flight, whose blob is written before their row commits. Also reports
    live versions whose blob is missing. Emits ``vault.orphans_swept``.
    """
    access.require(actor, "vault.keys")
    grace = settings.VAULT_ORPHAN_GRACE_SECONDS if grace_seconds is None else grace_seconds
    store = blob_store()
    removed = 0
    candidates = list(store.keys(older_than_seconds=grace))
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        known = set(DocumentVersion.objects.filter(blob_key__in=batch).values_list("blob_key", flat=True))
        for key in batch:
            if key not in known and store.delete(key):
                removed += 1
    temporary = store.sweep_temporary(older_than_seconds=grace)
    present = set(store.keys(older_than_seconds=0))
    missing = [
        pk
        for pk, key in DocumentVersion.objects.filter(wrapped_key__isnull=False).values_list("pk", "blob_key")
        if key not in present
    ]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vault.orphans_swept",
            object_type="vault.blobs",
            detail={"orphan_blobs": removed, "temporary_files": temporary, "missing_blobs": missing[:100]},
        )
    return SweepReport(orphan_blobs=removed, temporary_files=temporary, missing_blobs=missing)


def search_reindex(*, actor: Actor) -> int:
    """Rebuild every live document's search entry from its newest version; return how many.

    Needs ``vault.keys``. Decrypts each newest version into an anonymous temporary file (deleted on close;
    the extractors need to seek), extracts its text and re-indexes it; disposed documents are skipped.
    Run it after ``SECRET_KEY`` changes. Emits ``vault.search_reindexed``.
    """
    import tempfile

    from chancery.vault import search
    from chancery.vault.models import Document

    access.require(actor, "vault.keys")
    count = 0
    for document in Document.objects.filter(disposed_at__isnull=True).order_by("pk").iterator():
        version = document.versions.order_by("-number").first()
        if version is None or version.wrapped_key is None:
            continue
        ref = sealing.SealedRef(
            key_id=version.key_id,
            kek_id=version.kek_id,
            wrapped_key=bytes(version.wrapped_key),
            blob_key=version.blob_key,
        )
        with tempfile.TemporaryFile() as spool:
            for chunk in sealing.open_plaintext(ref):
                spool.write(chunk)
            text = search.extract_text(file=spool, file_type=version.mime_type)
        with transaction.atomic():
            search.document_index(document=document, text=text)
        count += 1
    with transaction.atomic():
        audit_record(
            actor=actor, action="vault.search_reindexed", object_type="vault.search", detail={"documents": count}
        )
    return count
