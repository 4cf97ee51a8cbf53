"""Retention: legal holds, and disposal by crypto-shredding (the data keys are destroyed, then the blobs).

Disposal destroys every version's wrapped data key in the database (set to NULL), removes the document
from the search index and records a :class:`~chancery.vault.models.DisposalRecord` naming the destroyed
key ids and blobs, all in one transaction; the blobs are deleted after it commits. Without its data key a
blob is unreadable even if a copy survives in a backup, which is the point of crypto-shredding. The
document's metadata row remains as the record that it existed and was disposed of.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.vault import search
from chancery.vault.blobs import blob_store
from chancery.vault.models import DisposalRecord, Document, DocumentVersion, LegalHold, RetentionClass

OBJECT_TYPE = "vault.document"


def _person(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(_("Only a signed-in person can place a legal hold."))
    return actor.user_id


def legal_hold_place(*, actor: Actor, document_id: int, reason: str) -> LegalHold:
    """Place a legal hold on a document (blocks disposal until released).

    Needs ``vault.retention``; InvalidInput without a reason. Emits ``vault.legal_hold_placed``.
    """
    access.require(actor, "vault.retention")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise InvalidInput(_("Give a reason of at most 300 characters."), errors={"reason": [_("Required.")]})
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise NotFound
        if document.disposed_at is not None:
            raise Conflict(_("The document was already disposed of."))
        hold = LegalHold.objects.create(document=document, reason=reason, placed_by_id=_person(actor))
        audit_record(
            actor=actor,
            action="vault.legal_hold_placed",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"hold": hold.pk},
        )
    return hold


def legal_hold_release(*, actor: Actor, hold_id: int, document_id: int | None = None) -> LegalHold:
    """Release a legal hold (NotFound if it is not a hold of ``document_id``, when given).

    Needs ``vault.retention``. Emits ``vault.legal_hold_released``.
    """
    access.require(actor, "vault.retention")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None or (document_id is not None and hold.document_id != document_id):
            raise NotFound
        if hold.released_at is not None:
            raise Conflict(_("This hold was already released."))
        hold.released_at = timezone.now()
        hold.save(update_fields=["released_at"])
        audit_record(
            actor=actor,
            action="vault.legal_hold_released",
            object_type=OBJECT_TYPE,
            object_id=hold.document_id,
            detail={"hold": hold.pk},
        )
    return hold


def document_retention_set(*, actor: Actor, document_id: int, retention_class: str) -> Document:
    """Set (or, with ``""``, clear) a document's retention class; its disposal date follows from it.

    The disposal date is the document's creation time plus the class's retention period (none without a
    class). Needs ``vault.retention``; InvalidInput for an unknown class, Conflict once disposed of.
    Emits ``vault.retention_set``.
    """
    access.require(actor, "vault.retention")
    chosen: RetentionClass | None = None
    if retention_class:
        chosen = RetentionClass.objects.filter(code=retention_class).first()
        if chosen is None:
            message = _("Unknown retention class.")
            raise InvalidInput(message, errors={"retention_class": [message]})
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise NotFound
        if document.disposed_at is not None:
            raise Conflict(_("The document was already disposed of."))
        before = document.retention_class.code if document.retention_class else ""
        document.retention_class = chosen
        document.dispose_after = document.created_at + timedelta(days=chosen.retention_days) if chosen else None
        document.save(update_fields=["retention_class", "dispose_after"])
        audit_record(
            actor=actor,
            action="vault.retention_set",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={
                "from": before,
                "to": chosen.code if chosen else "",
                "dispose_after": document.dispose_after.isoformat() if document.dispose_after else None,
            },
        )
    return document


def document_dispose(*, actor: Actor, document_id: int, reason: str) -> DisposalRecord:
    """Crypto-shred a document: destroy its data keys, unindex it, record what was destroyed.

    Needs ``vault.retention``. Conflict while a legal hold is in force or when already disposed of.
    Emits ``vault.document_disposed``; deletes the blobs after commit.
    """
    access.require(actor, "vault.retention")
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise NotFound
        if document.disposed_at is not None:
            raise Conflict(_("The document was already disposed of."))
        if document.legal_holds.filter(released_at__isnull=True).exists():
            raise Conflict(_("A legal hold is in force: the document cannot be disposed of."))
        now = timezone.now()
        versions = list(DocumentVersion.objects.select_for_update().filter(document=document).order_by("number"))
        DocumentVersion.objects.filter(document=document).update(wrapped_key=None, kek_id="", shredded_at=now)
        document.disposed_at = now
        document.save(update_fields=["disposed_at"])
        search.document_unindex(document_id=document.pk)
        blob_keys = [version.blob_key for version in versions]
        record = DisposalRecord.objects.create(
            document=document,
            disposed_at=now,
            version_key_ids=[version.key_id for version in versions],
            blob_keys=blob_keys,
            reason=reason[:200],
        )
        audit_record(
            actor=actor,
            action="vault.document_disposed",
            object_type=OBJECT_TYPE,
            object_id=document.pk,
            classification=document.classification,
            detail={"disposal": record.pk, "versions": len(versions), "reason": reason[:200]},
        )
        transaction.on_commit(lambda: _delete_blobs(blob_keys))
    return record


def _delete_blobs(keys: list[str]) -> None:
    store = blob_store()
    for key in keys:
        store.delete(key)


def disposal_run(*, actor: Actor) -> list[int]:
    """Dispose of every document past its disposal date and not under legal hold; return their ids.

    Needs ``vault.retention`` (the scheduled job runs as the system actor). Emits one
    ``vault.document_disposed`` per document.
    """
    access.require(actor, "vault.retention")
    due = (
        Document.objects.filter(disposed_at__isnull=True, dispose_after__lte=timezone.now())
        .exclude(legal_holds__released_at__isnull=True, legal_holds__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    disposed = []
    for document_id in list(due):
        try:
            document_dispose(actor=actor, document_id=document_id, reason="retention period ended")
        except Conflict:
            continue
        disposed.append(document_id)
    return disposed
