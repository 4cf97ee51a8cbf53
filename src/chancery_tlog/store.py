"""Store-backed Merkle tree: append-only node persistence and O(log n) proofs.

A log persists the hash of every *perfect* subtree, keyed by node id
``(level, index)`` (see :mod:`chancery_tlog.merkle`).  Level 0 holds the leaf
hashes; node ``(l, i)`` is ``node_hash((l-1, 2i), (l-1, 2i+1))``.  A tree of
``n`` leaves has fewer than ``2n`` such nodes and, once written, a node never
changes, so the table is strictly append-only.

Every root hash, inclusion proof and consistency proof for any tree size
``<= n`` is computed from at most ``2 * log2(n)`` of these nodes: each proof
hash is either a stored perfect subtree or the fold of the perfect subtrees
that make up an incomplete right-border subtree (transparency-dev calls those
"ephemeral" nodes).  The proofs are byte-identical to
:func:`chancery_tlog.merkle.inclusion_proof` and
:func:`chancery_tlog.merkle.consistency_proof`.

Backing the :class:`NodeStore` protocol with a database table::

    CREATE TABLE tlog_node (
        log_id  integer  NOT NULL,
        level   smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
        idx     bigint   NOT NULL CHECK (idx >= 0),
        hash    bytea    NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (log_id, level, idx)
    );

``get_nodes`` is one ``SELECT level, idx, hash ... WHERE (level, idx) IN
(...)`` (the ids of one proof), re-ordered to the requested order;
``put_nodes`` is one multi-row ``INSERT`` of the nodes returned by
:meth:`TreeBuilder.append`, executed in the same transaction that stores the
entries and advances the tree size.  Rows are never updated or deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from .merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    NodeID,
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    range_node_ids,
    root_from_subtrees,
)

__all__ = [
    "CompactRange",
    "InMemoryNodeStore",
    "MissingNodeError",
    "Node",
    "NodeStore",
    "TreeBuilder",
    "WritableNodeStore",
    "consistency_proof",
    "inclusion_proof",
    "root_hash",
]

Node = tuple[int, int, bytes]
"""A node to persist: ``(level, index, hash)``."""

_sha256 = hashlib.sha256
_NODE_PREFIX = b"\x01"


class MissingNodeError(KeyError):
    """A requested node id is not (yet) in the store."""


@runtime_checkable
class NodeStore(Protocol):
    """Read access to persisted perfect-subtree hashes."""

    def get_nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        """Return the hashes of ``ids`` in the same order.

        Must raise :class:`MissingNodeError` (or another ``KeyError``) if any
        id is unknown.
        """
        ...


@runtime_checkable
class WritableNodeStore(NodeStore, Protocol):
    """A :class:`NodeStore` that can also persist new nodes."""

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        """Persist ``(level, index, hash)`` triples (idempotently)."""
        ...


class InMemoryNodeStore:
    """:class:`WritableNodeStore` keeping one Python list of hashes per level.

    Nodes of a level are complete left to right, so each level is an
    append-only list indexed by node index.  Re-putting an existing node with
    the same hash is a no-op; with a different hash it raises ``ValueError``.
    """

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    def get_nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        """Return the hashes of ``ids`` in order; raise :class:`MissingNodeError`."""
        levels = self._levels
        out: list[bytes] = []
        for level, index in ids:
            try:
                if index < 0 or level < 0:
                    raise IndexError(index)
                out.append(levels[level][index])
            except IndexError:
                raise MissingNodeError((level, index)) from None
        return out

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        """Append nodes; each level must be written contiguously from index 0."""
        levels = self._levels
        for level, index, h in nodes:
            while len(levels) <= level:
                levels.append([])
            row = levels[level]
            if index == len(row):
                row.append(h)
            elif 0 <= index < len(row):
                if row[index] != h:
                    raise ValueError(f"node {(level, index)} already stored with another hash")
            else:
                raise ValueError(f"node {(level, index)} written out of order")

    def extend_level(self, level: int, hashes: Iterable[bytes]) -> None:
        """Bulk-append ``hashes`` to ``level`` (fast path used by :class:`TreeBuilder`)."""
        levels = self._levels
        while len(levels) <= level:
            levels.append([])
        levels[level].extend(hashes)

    def level_size(self, level: int) -> int:
        """Number of nodes stored at ``level``."""
        return len(self._levels[level]) if level < len(self._levels) else 0


class CompactRange:
    """Compact range ``[0, size)``: the perfect subtree roots on the right border.

    Holds one hash per set bit of ``size`` (largest subtree first), which is
    all the state needed to append leaves and compute the root, as in
    transparency-dev/merkle ``compact.Range``.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError("size must be a non-negative integer")
        if len(hashes) != size.bit_count():
            raise ValueError("a compact range of size n has popcount(n) hashes")
        for h in hashes:
            if not isinstance(h, bytes) or len(h) != HASH_SIZE:
                raise ValueError("hashes must be 32-byte bytes values")
        self._size = size
        self._hashes = list(hashes)

    @classmethod
    def from_store(cls, store: NodeStore, size: int) -> CompactRange:
        """Load the compact range of a tree of ``size`` leaves from ``store``."""
        ids = range_node_ids(0, size)
        return cls(size, store.get_nodes(ids) if ids else [])

    @property
    def size(self) -> int:
        """Number of leaves covered."""
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """Perfect subtree roots, left (largest) to right (smallest)."""
        return list(self._hashes)

    def node_ids(self) -> list[NodeID]:
        """Node ids of :attr:`hashes`."""
        return range_node_ids(0, self._size)

    def append(self, leaf: bytes) -> list[Node]:
        """Append one leaf hash and return the newly completed nodes.

        The returned list starts with ``(0, old_size, leaf)`` and continues
        with every perfect subtree completed by this leaf, bottom-up.
        """
        if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
            raise ValueError("leaf hash must be 32 bytes")
        index = self._size
        nodes: list[Node] = [(0, index, leaf)]
        stack = self._hashes
        h = leaf
        level = 0
        while index & 1:
            h = _sha256(_NODE_PREFIX + stack.pop() + h).digest()
            index >>= 1
            level += 1
            nodes.append((level, index, h))
        stack.append(h)
        self._size += 1
        return nodes

    def root(self) -> bytes:
        """MTH of the covered range (``SHA-256("")`` when empty)."""
        return root_from_subtrees(self._hashes) if self._hashes else EMPTY_ROOT


class TreeBuilder:
    """Append-only tree writer: keeps a :class:`CompactRange` and persists nodes.

    ``append`` / ``append_leaf_hash`` write the new nodes of one leaf to the
    store and also return them.  ``extend`` appends many leaf hashes with one
    ``put_nodes`` call (or, for :class:`InMemoryNodeStore`, a per-level bulk
    append), computing the new parents level by level.
    """

    __slots__ = ("_range", "_store")

    def __init__(self, store: WritableNodeStore, size: int = 0) -> None:
        self._store = store
        self._range = CompactRange.from_store(store, size) if size else CompactRange()

    @property
    def size(self) -> int:
        """Current number of leaves."""
        return self._range.size

    @property
    def store(self) -> WritableNodeStore:
        """The backing store."""
        return self._store

    def root(self) -> bytes:
        """Root hash at the current size."""
        return self._range.root()

    def append(self, data: bytes) -> list[Node]:
        """Append an entry (hashed with :func:`~chancery_tlog.merkle.leaf_hash`)."""
        return self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, leaf: bytes) -> list[Node]:
        """Append a leaf hash, persist and return the new nodes."""
        nodes = self._range.append(leaf)
        self._store.put_nodes(nodes)
        return nodes

    def extend(self, leaves: Sequence[bytes]) -> list[Node]:
        """Append many leaf hashes; persist and return all new nodes.

        Equivalent to calling :meth:`append_leaf_hash` for each leaf, but
        computes each level with one pass.
        """
        for h in leaves:
            if not isinstance(h, bytes) or len(h) != HASH_SIZE:
                raise ValueError("leaf hashes must be 32-byte bytes values")
        if not leaves:
            return []
        start = self._range.size
        end = start + len(leaves)
        new_by_level: list[tuple[int, int, list[bytes]]] = []
        level = 0
        first = start  # first new node index at this level
        row = list(leaves)
        peaks = dict(zip((lvl for lvl, _ in range_node_ids(0, start)), self._range.hashes, strict=True))
        sha = _sha256
        prefix = _NODE_PREFIX
        while row:
            new_by_level.append((level, first, row))
            # Parents completed at level+1: indices first>>1 .. (end_level>>1)-1.
            end_level = first + len(row)
            if first & 1:
                left = peaks[level]
                seq = [left, *row]
                base = first - 1
            else:
                seq = row
                base = first
            pairs = (end_level - base) >> 1
            row = [sha(prefix + seq[2 * i] + seq[2 * i + 1]).digest() for i in range(pairs)]
            first = base >> 1
            level += 1
        nodes: list[Node] = []
        store = self._store
        if isinstance(store, InMemoryNodeStore):
            for lvl, first_index, hashes in new_by_level:
                if store.level_size(lvl) != first_index:
                    raise ValueError("store is out of sync with the tree size")
                store.extend_level(lvl, hashes)
            for lvl, first_index, hashes in new_by_level:
                nodes.extend((lvl, first_index + i, h) for i, h in enumerate(hashes))
        else:
            for lvl, first_index, hashes in new_by_level:
                nodes.extend((lvl, first_index + i, h) for i, h in enumerate(hashes))
            store.put_nodes(nodes)
        self._range = CompactRange.from_store(store, end)
        return nodes


def _fetch_ranges(store: NodeStore, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Fetch (one ``get_nodes`` call) and fold the MTH of each leaf range."""
    plans = [range_node_ids(b, e) for b, e in ranges]
    ids = [i for plan in plans for i in plan]
    if not ids:
        return []
    hashes = store.get_nodes(ids)
    if len(hashes) != len(ids):
        raise MissingNodeError("store returned the wrong number of nodes")
    out: list[bytes] = []
    pos = 0
    for plan in plans:
        part = hashes[pos : pos + len(plan)]
        pos += len(plan)
        out.append(part[0] if len(part) == 1 else root_from_subtrees(part))
    return out


def root_hash(store: NodeStore, size: int) -> bytes:
    """MTH of the first ``size`` leaves, from at most ``log2(size) + 1`` nodes."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("size must be a non-negative integer")
    if size == 0:
        return EMPTY_ROOT
    return _fetch_ranges(store, [(0, size)])[0]


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 inclusion proof computed from stored nodes.

    Identical to :func:`chancery_tlog.merkle.inclusion_proof`; raises
    :class:`ValueError` on invalid arguments and :class:`MissingNodeError` if
    the store does not cover ``size``.
    """
    return _fetch_ranges(store, inclusion_ranges(index, size))


def consistency_proof(store: NodeStore, old_size: int, new_size: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 consistency proof computed from stored nodes.

    Identical to :func:`chancery_tlog.merkle.consistency_proof`.
    """
    return _fetch_ranges(store, consistency_ranges(old_size, new_size))
