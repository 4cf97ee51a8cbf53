"""What the auditors' page shows: the latest checkpoint with its witnesses, and a record's proof."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotFound
from chancery.transparency.models import Cosignature, LogEntry, SignedCheckpoint
from chancery.transparency.selectors import checkpoint_latest
from chancery.transparency.store import DatabaseNodeStore
from chancery.transparency.witnessing import cosigned_note, witness_policy
from chancery_tlog import merkle
from chancery_tlog import store as tree_store
from chancery_tlog.note import NoteError


@dataclass(frozen=True, slots=True)
class CheckpointView:
    """The latest checkpoint, its cosignatures and whether the witness quorum holds."""

    checkpoint: SignedCheckpoint | None
    cosignatures: list[Cosignature]
    quorum_configured: bool
    quorum_satisfied: bool


@dataclass(frozen=True, slots=True)
class RecordProof:
    """A record's latest entry and its inclusion proof, verified against the latest checkpoint."""

    entry: LogEntry
    checkpoint: SignedCheckpoint
    proof_b64: list[str]
    verified: bool
    root_b64: str


def checkpoint_overview(*, actor: Actor) -> CheckpointView:
    """Return the latest checkpoint with its cosignatures for auditors."""
    access.require(actor, "transparency.view_entry")
    latest = checkpoint_latest()
    if latest is None:
        return CheckpointView(None, [], quorum_configured=witness_policy() is not None, quorum_satisfied=False)
    cosignatures = list(latest.cosignatures.all())
    policy = witness_policy()
    satisfied = False
    if policy is not None:
        try:
            policy.verify_checkpoint(cosigned_note(latest))
            satisfied = True
        except (NoteError, ValueError):
            satisfied = False
    return CheckpointView(latest, cosignatures, quorum_configured=policy is not None, quorum_satisfied=satisfied)


def record_proof(*, actor: Actor, record_type: str, record_id: str) -> RecordProof:
    """Return the inclusion proof of a record's latest entry, verified here against the signed root."""
    access.require(actor, "transparency.view_entry")
    entry = LogEntry.objects.filter(record_type=record_type, record_id=record_id).order_by("-index").first()
    latest = checkpoint_latest()
    if entry is None or latest is None or latest.size <= entry.index:
        raise NotFound("this record has no entry covered by a signed checkpoint yet")
    proof = tree_store.inclusion_proof(DatabaseNodeStore(), int(entry.index), int(latest.size))
    verified = merkle.verify_inclusion(
        bytes(entry.leaf_hash), int(entry.index), int(latest.size), proof, bytes(latest.root_hash)
    )
    return RecordProof(
        entry=entry,
        checkpoint=latest,
        proof_b64=[base64.b64encode(h).decode() for h in proof],
        verified=verified,
        root_b64=base64.b64encode(bytes(latest.root_hash)).decode(),
    )
