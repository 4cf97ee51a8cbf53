"""Writes to the transparency log: appending leaves, signing checkpoints, storing cosignatures."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chancery.transparency.keys import log_signer
from chancery.transparency.models import Cosignature, LogEntry, LogHead, SignedCheckpoint
from chancery.transparency.records import canonical_leaf
from chancery.transparency.store import DatabaseNodeStore
from chancery_tlog import merkle
from chancery_tlog import store as tree_store
from chancery_tlog.checkpoint import Checkpoint
from chancery_tlog.note import Signature

logger = logging.getLogger(__name__)


class InconsistentTreeError(RuntimeError):
    """The stored tree does not extend the last signed checkpoint: the log refuses to sign."""


def _locked_head() -> LogHead:
    head = LogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LogHead.objects.get_or_create(pk=1, defaults={"root_hash": merkle.root_hash([])})
        head = LogHead.objects.select_for_update().get(pk=1)
    return head


def tlog_append(*, record_type: str, record_id: str | int, fields: Mapping[str, Any]) -> LogEntry:
    """Append one leaf for a record and return its entry.

    Needs the record's type, id and fields (references and content hashes only). Runs in its own
    transaction that locks the log head, so concurrent appenders get consecutive, gap-free indices;
    writes the entry, the new Merkle nodes and the new head, and on commit asks for a checkpoint.
    Domains call it from their own transaction's on-commit (see :func:`tlog_append_on_commit`).
    """
    data = canonical_leaf(record_type=record_type, record_id=str(record_id), fields=fields)
    leaf = merkle.leaf_hash(data)
    with transaction.atomic():
        head = _locked_head()
        builder = tree_store.TreeBuilder(DatabaseNodeStore(), int(head.size))
        builder.append_leaf_hash(leaf)
        entry = LogEntry.objects.create(
            index=head.size,
            leaf_hash=leaf,
            record_type=record_type,
            record_id=str(record_id),
            leaf_data=data,
        )
        head.size = builder.size
        head.root_hash = builder.root()
        schedule = not head.publish_pending
        head.publish_pending = True
        head.save(update_fields=["size", "root_hash", "publish_pending"])
        if schedule:
            transaction.on_commit(_schedule_publish)
    return entry


def tlog_append_on_commit(*, record_type: str, record_id: str | int, fields: Mapping[str, Any]) -> None:
    """Append the record's leaf once the caller's transaction commits (immediately outside one)."""
    frozen = dict(fields)
    transaction.on_commit(lambda: tlog_append(record_type=record_type, record_id=record_id, fields=frozen))


def _schedule_publish() -> None:
    from chancery.transparency.tasks import publish_checkpoint

    if publish_checkpoint.get_backend().supports_defer:
        delay = timedelta(seconds=settings.TLOG_PUBLISH_SECONDS)
        publish_checkpoint.using(run_after=timezone.now() + delay).enqueue()
    else:
        publish_checkpoint.enqueue()


def checkpoint_publish() -> SignedCheckpoint | None:
    """Sign a checkpoint for the current tree if it grew since the last one; return it (or None).

    Refuses (:class:`InconsistentTreeError`) when the stored tree is not an extension of the last
    signed checkpoint, so the log never signs two inconsistent checkpoints.
    """
    with transaction.atomic():
        head = _locked_head()
        head.publish_pending = False
        head.save(update_fields=["publish_pending"])
        size, root = int(head.size), bytes(head.root_hash)
        last = SignedCheckpoint.objects.order_by("-size").first()
        if last is not None and last.size == size:
            return None
        node_store = DatabaseNodeStore()
        if tree_store.root_hash(node_store, size) != root:
            msg = "stored nodes do not produce the head's root hash"
            raise InconsistentTreeError(msg)
        if last is not None:
            proof = tree_store.consistency_proof(node_store, int(last.size), size)
            if not merkle.verify_consistency(int(last.size), size, bytes(last.root_hash), root, proof):
                msg = f"tree of size {size} is not consistent with signed checkpoint {last.size}"
                raise InconsistentTreeError(msg)
        checkpoint = Checkpoint(origin=settings.TLOG_ORIGIN, size=size, root_hash=root)
        note = log_signer().sign(checkpoint)
        signed = SignedCheckpoint.objects.create(size=size, root_hash=root, note=note)
    logger.info("signed transparency-log checkpoint at size %d", size)
    return signed


def cosignature_store(*, checkpoint: SignedCheckpoint, signature: Signature, timestamp: int) -> Cosignature:
    """Keep a witness's verified cosignature on ``checkpoint`` (idempotent per witness key)."""
    from chancery_tlog.note import format_signature_line

    cosignature, _ = Cosignature.objects.get_or_create(
        checkpoint=checkpoint,
        witness_name=signature.name,
        key_id=signature.key_id,
        defaults={"timestamp": timestamp, "signature_line": format_signature_line(signature)},
    )
    return cosignature
