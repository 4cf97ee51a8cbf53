"""Offline proof bundles (C2SP tlog-proof) for one record, and their verification without a database."""

from __future__ import annotations

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import Conflict, NotFound
from chancery.transparency.models import LogEntry
from chancery.transparency.selectors import checkpoint_latest
from chancery.transparency.store import DatabaseNodeStore
from chancery_tlog import store as tree_store
from chancery_tlog.proof_bundle import ProofBundle


def record_proof_bundle(*, actor: Actor, record_type: str, record_id: str) -> str:
    """Return a tlog-proof text proving the record's latest leaf is in the latest signed checkpoint.

    The leaf data (the record's canonical JSON: references and hashes) travels in the ``extra`` field,
    so :mod:`chancery.transparency.offline` can check the bundle without a database. Raises NotFound
    when the record was never logged and Conflict when no signed checkpoint covers its entry yet.
    """
    access.require(actor, "transparency.view_entry")
    entry = LogEntry.objects.filter(record_type=record_type, record_id=record_id).order_by("-index").first()
    if entry is None:
        raise NotFound(f"{record_type}:{record_id} is not in the log")
    checkpoint = checkpoint_latest()
    if checkpoint is None or checkpoint.size <= entry.index:
        raise Conflict("the entry is not covered by a signed checkpoint yet; run `chancery tlog publish`")
    proof = tree_store.inclusion_proof(DatabaseNodeStore(), int(entry.index), int(checkpoint.size))
    bundle = ProofBundle(
        index=int(entry.index),
        proof=tuple(proof),
        checkpoint_note=checkpoint.note,
        extra=bytes(entry.leaf_data),
    )
    return bundle.format()
