"""Reads from the transparency log: checkpoints, proofs, tiles, entries."""

from __future__ import annotations

from django.db.models import QuerySet

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import InvalidInput, NotFound
from chancery.transparency.models import LogEntry, LogHead, LogNode, SignedCheckpoint
from chancery.transparency.store import DatabaseNodeStore
from chancery_tlog import store as tree_store
from chancery_tlog.tiles import Tile, tile_bytes, tile_hash_ids


def checkpoint_latest() -> SignedCheckpoint | None:
    """Return the newest signed checkpoint, or None before the first one (public data)."""
    return SignedCheckpoint.objects.order_by("-size").first()


def checkpoint_for_size(*, size: int) -> SignedCheckpoint:
    """Return the signed checkpoint of exactly ``size`` leaves; raise NotFound if none was signed."""
    checkpoint = SignedCheckpoint.objects.filter(size=size).first()
    if checkpoint is None:
        raise NotFound(f"no checkpoint was signed at size {size}")
    return checkpoint


def log_size() -> int:
    """Return the number of leaves appended so far (signed or not)."""
    head = LogHead.objects.filter(pk=1).first()
    return 0 if head is None else int(head.size)


def _published_size() -> int:
    latest = checkpoint_latest()
    return 0 if latest is None else int(latest.size)


def inclusion_proof_get(*, actor: Actor, index: int, size: int) -> list[bytes]:
    """Return the RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    ``size`` must not exceed the latest signed checkpoint, so every proof can be checked against a
    signed root. Reads O(log n) stored nodes.
    """
    access.require(actor, "transparency.prove")
    if not 0 <= index < size <= _published_size():
        raise InvalidInput("index must be below size, and size at most the latest checkpoint's size")
    return tree_store.inclusion_proof(DatabaseNodeStore(), index, size)


def consistency_proof_get(*, actor: Actor, old_size: int, new_size: int) -> list[bytes]:
    """Return the RFC 9162 consistency proof between two tree sizes (both at most the latest checkpoint)."""
    access.require(actor, "transparency.prove")
    if not 0 <= old_size <= new_size <= _published_size():
        raise InvalidInput("sizes must satisfy 0 <= old <= new <= the latest checkpoint's size")
    return tree_store.consistency_proof(DatabaseNodeStore(), old_size, new_size)


def tile_get(*, tile: Tile) -> bytes:
    """Return the bytes of a hash tile (C2SP tlog-tiles) that the latest checkpoint covers.

    Raises NotFound for a tile beyond the published tree or a partial tile wider than published.
    """
    size = _published_size()
    ids = tile_hash_ids(tile)
    if not ids:
        raise NotFound
    level = ids[0][0]
    available = size >> level
    if ids[-1][1] >= available:
        raise NotFound("the tile is not published yet")
    rows = dict(
        LogNode.objects.filter(level=level, idx__gte=ids[0][1], idx__lte=ids[-1][1]).values_list("idx", "hash"),
    )
    try:
        return tile_bytes([bytes(rows[idx]) for _, idx in ids])
    except KeyError:
        raise NotFound("the tile is not stored") from None


def entry_get(*, actor: Actor, index: int) -> LogEntry:
    """Return the entry at ``index`` for auditors (metadata: record type, id, leaf hash, time)."""
    access.require(actor, "transparency.view_entry")
    entry = LogEntry.objects.filter(index=index).first()
    if entry is None:
        raise NotFound
    return entry


def entries_for_record(*, actor: Actor, record_type: str, record_id: str) -> QuerySet[LogEntry]:
    """Return the entries logged for one record (oldest first) for auditors."""
    access.require(actor, "transparency.view_entry")
    return LogEntry.objects.filter(record_type=record_type, record_id=record_id).order_by("index")
