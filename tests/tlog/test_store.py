"""Tests for chancery_tlog.store: persisted nodes, compact ranges, store-backed proofs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog import merkle, store
from chancery_tlog.merkle import EMPTY_ROOT, NodeID, leaf_hash, node_hash
from chancery_tlog.store import (
    CompactRange,
    InMemoryNodeStore,
    MissingNodeError,
    Node,
    NodeStore,
    TreeBuilder,
    WritableNodeStore,
)

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(1100)]


class DictStore:
    """A second NodeStore implementation (dict keyed by id), like a DB table would be."""

    def __init__(self) -> None:
        self.nodes: dict[NodeID, bytes] = {}
        self.reads: list[int] = []

    def get_nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        self.reads.append(len(ids))
        try:
            return [self.nodes[i] for i in ids]
        except KeyError as exc:
            raise MissingNodeError(exc.args[0]) from None

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        for level, index, h in nodes:
            assert self.nodes.setdefault((level, index), h) == h
        # Every stored node must be the hash of its two children.
        for level, index, h in nodes:
            if level:
                assert h == node_hash(self.nodes[(level - 1, 2 * index)], self.nodes[(level - 1, 2 * index + 1)])


def build(n: int, st_: WritableNodeStore | None = None) -> tuple[WritableNodeStore, TreeBuilder]:
    s = st_ if st_ is not None else InMemoryNodeStore()
    tb = TreeBuilder(s)
    for h in LEAVES[:n]:
        tb.append_leaf_hash(h)
    return s, tb


def test_protocols_are_satisfied() -> None:
    assert isinstance(InMemoryNodeStore(), WritableNodeStore)
    assert isinstance(DictStore(), NodeStore)


def test_append_emits_completed_subtrees() -> None:
    cr = CompactRange()
    assert cr.root() == EMPTY_ROOT
    a, b, c, d = LEAVES[:4]
    assert cr.append(a) == [(0, 0, a)]
    ab = node_hash(a, b)
    assert cr.append(b) == [(0, 1, b), (1, 0, ab)]
    assert cr.append(c) == [(0, 2, c)]
    cd = node_hash(c, d)
    assert cr.append(d) == [(0, 3, d), (1, 1, cd), (2, 0, node_hash(ab, cd))]
    assert cr.size == 4
    assert cr.hashes == [node_hash(ab, cd)]
    assert cr.node_ids() == [(2, 0)]


def test_compact_range_validation() -> None:
    with pytest.raises(ValueError, match="popcount"):
        CompactRange(3, [LEAVES[0]])
    with pytest.raises(ValueError, match="non-negative"):
        CompactRange(-1)
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange().append(b"short")


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 255, 256, 257, 1000])
def test_builder_root_matches_merkle(n: int) -> None:
    s, tb = build(n)
    assert tb.size == n
    assert tb.root() == merkle.root_hash(LEAVES[:n])
    assert store.root_hash(s, n) == merkle.root_hash(LEAVES[:n])


def test_every_stored_node_is_a_perfect_subtree() -> None:
    s = DictStore()
    build(300, s)
    assert len(s.nodes) == 2 * 300 - (300).bit_count()
    for (level, index), h in s.nodes.items():
        assert h == merkle.root_hash(LEAVES[index << level : (index + 1) << level])


def test_extend_equals_appends() -> None:
    single, _ = build(1037)
    batched = InMemoryNodeStore()
    tb = TreeBuilder(batched)
    for chunk in (LEAVES[0:1], LEAVES[1:3], LEAVES[3:300], LEAVES[300:301], LEAVES[301:1037]):
        tb.extend(chunk)
    assert tb.size == 1037
    assert tb.root() == merkle.root_hash(LEAVES[:1037])
    for level in range(11):
        n = 1037 >> level
        ids = [(level, i) for i in range(n)]
        assert batched.get_nodes(ids) == single.get_nodes(ids)


def test_extend_with_generic_store_returns_and_persists_nodes() -> None:
    s = DictStore()
    tb = TreeBuilder(s)
    nodes = tb.extend(LEAVES[:5])
    assert {(lvl, i) for lvl, i, _ in nodes} == {(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 0), (1, 1), (2, 0)}
    more = tb.extend(LEAVES[5:8])
    assert {(lvl, i) for lvl, i, _ in more} == {(0, 5), (0, 6), (0, 7), (1, 2), (1, 3), (2, 1), (3, 0)}
    assert tb.root() == merkle.root_hash(LEAVES[:8])
    assert tb.extend([]) == []


def test_resume_builder_from_store() -> None:
    s, _ = build(77)
    tb = TreeBuilder(s, size=77)
    for h in LEAVES[77:200]:
        tb.append_leaf_hash(h)
    assert tb.root() == merkle.root_hash(LEAVES[:200])
    assert CompactRange.from_store(s, 77).root() == merkle.root_hash(LEAVES[:77])


def test_append_data_hashes_it() -> None:
    s = InMemoryNodeStore()
    tb = TreeBuilder(s)
    nodes = tb.append(b"hello")
    assert nodes == [(0, 0, leaf_hash(b"hello"))]


def test_in_memory_store_rejects_out_of_order_and_conflicts() -> None:
    s = InMemoryNodeStore()
    s.put_nodes([(0, 0, LEAVES[0])])
    s.put_nodes([(0, 0, LEAVES[0])])  # idempotent
    with pytest.raises(ValueError, match="another hash"):
        s.put_nodes([(0, 0, LEAVES[1])])
    with pytest.raises(ValueError, match="out of order"):
        s.put_nodes([(0, 5, LEAVES[1])])
    with pytest.raises(MissingNodeError):
        s.get_nodes([(0, 1)])
    with pytest.raises(MissingNodeError):
        s.get_nodes([(-1, 0)])


def test_missing_nodes_raise() -> None:
    s, _ = build(10)
    with pytest.raises(MissingNodeError):
        store.inclusion_proof(s, 3, 11)
    with pytest.raises(MissingNodeError):
        store.consistency_proof(s, 3, 20)


def test_invalid_arguments_raise_value_error() -> None:
    s, _ = build(10)
    with pytest.raises(ValueError, match="out of range"):
        store.inclusion_proof(s, 10, 10)
    with pytest.raises(ValueError, match="invalid"):
        store.consistency_proof(s, 5, 4)
    with pytest.raises(ValueError, match="non-negative"):
        store.root_hash(s, -1)


def test_proofs_read_logarithmically_many_nodes() -> None:
    s = DictStore()
    tb = TreeBuilder(s)
    tb.extend(LEAVES[:1024])
    tb.extend(LEAVES[1024:1100])
    s.reads.clear()
    store.inclusion_proof(s, 517, 1100)
    store.consistency_proof(s, 333, 1100)
    store.root_hash(s, 1100)
    assert len(s.reads) == 3  # one batched read per operation
    assert all(n <= 2 * (1100).bit_length() for n in s.reads)


_STORE, _ = build(len(LEAVES))


@st.composite
def sizes_and_index(draw: st.DrawFn) -> tuple[int, int, int]:
    size = draw(st.integers(min_value=1, max_value=len(LEAVES)))
    index = draw(st.integers(min_value=0, max_value=size - 1))
    old = draw(st.integers(min_value=0, max_value=size))
    return size, index, old


@settings(max_examples=300, deadline=None)
@given(sizes_and_index())
def test_store_backed_proofs_equal_in_memory_proofs(params: tuple[int, int, int]) -> None:
    size, index, old = params
    assert store.inclusion_proof(_STORE, index, size) == merkle.inclusion_proof(index, size, LEAVES)
    assert store.consistency_proof(_STORE, old, size) == merkle.consistency_proof(old, size, LEAVES)
    assert store.root_hash(_STORE, size) == merkle.root_hash(LEAVES[:size])
