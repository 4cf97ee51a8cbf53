"""A :class:`chancery_tlog.store.NodeStore` backed by the ``LogNode`` table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q

from chancery.transparency.models import LogNode
from chancery_tlog.merkle import NodeID
from chancery_tlog.store import MissingNodeError, Node


class DatabaseNodeStore:
    """Reads a proof's nodes with one query and writes an append's new nodes with one bulk insert."""

    def get_nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        """Return the hashes of ``ids`` in order; raise :class:`MissingNodeError` if any is absent."""
        if not ids:
            return []
        wanted = set(ids)
        condition = Q()
        by_level: dict[int, list[int]] = {}
        for level, idx in wanted:
            by_level.setdefault(level, []).append(idx)
        for level, indices in by_level.items():
            condition |= Q(level=level, idx__in=indices)
        found = {
            (level, idx): bytes(h)
            for level, idx, h in LogNode.objects.filter(condition).values_list(
                "level",
                "idx",
                "hash",
            )
        }
        try:
            return [found[node_id] for node_id in ids]
        except KeyError as missing:
            raise MissingNodeError(str(missing)) from None

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        """Insert the new nodes of an append (the caller's transaction makes it atomic)."""
        LogNode.objects.bulk_create([LogNode(level=level, idx=idx, hash=h) for level, idx, h in nodes])
