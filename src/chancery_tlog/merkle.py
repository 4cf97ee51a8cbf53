"""RFC 9162 / RFC 6962 Merkle tree hashing, proof generation and verification.

This module implements the Merkle Tree Hash (MTH) and the inclusion and
consistency proofs of RFC 9162 §2.1 (identical to RFC 6962 §2.1 and to the
C2SP ``merkle-tree`` specification), over SHA-256.

Conventions used throughout the package:

* A *node id* is a pair ``(level, index)`` naming the root of the perfect
  (complete) subtree that covers leaves ``[index * 2**level, (index + 1) *
  2**level)``.  Level 0 nodes are leaf hashes.
* Only perfect subtrees ever get node ids; hashes of incomplete right-border
  subtrees ("ephemeral" nodes in transparency-dev terms) are recomputed from
  the perfect subtrees that make them up.

Proof generation is expressed as a list of leaf ranges whose MTHs form the
proof (see :func:`inclusion_ranges` and :func:`consistency_ranges`), so the
in-memory functions here and the store-backed ones in
:mod:`chancery_tlog.store` produce identical proofs from the same plan.

Edge cases (RFC 9162 §2.1.4, C2SP merkle-tree "Consistency proofs"):

* An inclusion proof in a tree of size 1 is empty.
* A consistency proof between equal sizes is empty and verifies iff the two
  roots are equal.
* A consistency proof from size 0 is empty and verifies (any tree is an
  extension of the empty tree); the old root is not compared against
  ``SHA-256("")``, matching transparency-dev/merkle ``VerifyConsistency``.

The verifiers never raise: any malformed argument (non-bytes, wrong hash
length, negative or out-of-range sizes, extra or missing proof hashes) makes
them return ``False``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MAX_PROOF_HASHES",
    "NodeID",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "range_node_ids",
    "root_from_subtrees",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Size in bytes of every hash in the tree (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256("") (RFC 9162 §2.1.1)."""

MAX_PROOF_HASHES = 128
"""Upper bound on proof length accepted by the verifiers.

A tree with fewer than 2**64 leaves never needs more than 65 hashes in a
proof; the bound only protects the verifiers against absurd inputs.
"""

NodeID = tuple[int, int]
"""``(level, index)`` of a perfect subtree root."""

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 §2.1.1 leaf hash ``SHA-256(0x00 || data)``."""
    return _sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 §2.1.1 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _check_hashes(hashes: Sequence[bytes]) -> None:
    for h in hashes:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ValueError("leaf hashes must be 32-byte bytes values")


def _mth(hashes: Sequence[bytes]) -> bytes:
    """MTH of a non-empty list of (already validated) level hashes.

    Pairs neighbours level by level and promotes an unpaired last node
    unchanged, which yields exactly the left-balanced RFC 9162 §2.1.1 tree.
    """
    level = list(hashes)
    sha = _sha256
    prefix = _NODE_PREFIX
    while len(level) > 1:
        n = len(level)
        nxt = [sha(prefix + level[i] + level[i + 1]).digest() for i in range(0, n - 1, 2)]
        if n & 1:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return MTH(D[n]) for the given leaf hashes (RFC 9162 §2.1.1).

    The empty tree hashes to ``SHA-256("")``.  Raises :class:`ValueError` if
    any element is not a 32-byte ``bytes`` value.
    """
    if len(leaf_hashes) == 0:
        return EMPTY_ROOT
    _check_hashes(leaf_hashes)
    return _mth(leaf_hashes)


def _largest_power_of_two_below(n: int) -> int:
    """Return k, the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_node_ids(begin: int, end: int) -> list[NodeID]:
    """Decompose the leaf range ``[begin, end)`` into perfect subtree node ids.

    The returned ids are ordered left to right; their hashes fold (right to
    left, see :func:`root_from_subtrees`) into MTH(D[begin:end]) whenever the
    range is one of the ranges of the RFC 9162 decomposition (``begin`` aligned
    to the largest power of two not exceeding ``end - begin``).  This is the
    compact range of transparency-dev/merkle ``compact.RangeNodes``.
    """
    if begin < 0 or end < begin:
        raise ValueError("invalid range")
    ids: list[NodeID] = []
    while begin < end:
        # Largest aligned power of two starting at begin that fits in the range.
        level = (end - begin).bit_length() - 1
        if begin:
            level = min(level, (begin & -begin).bit_length() - 1)
        ids.append((level, begin >> level))
        begin += 1 << level
    return ids


def root_from_subtrees(hashes: Sequence[bytes]) -> bytes:
    """Fold perfect-subtree hashes (left to right order) into their MTH.

    For a range decomposed by :func:`range_node_ids` with strictly decreasing
    subtree sizes, MTH = H(s0, H(s1, ... H(s_{k-2}, s_{k-1}))).
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = _sha256(_NODE_PREFIX + h + acc).digest()
    return acc


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTHs form PATH(index, D[size]), in proof order.

    Iterative form of RFC 9162 §2.1.3.1 (C2SP merkle-tree "Proof format"):
    the first element is the leaf's sibling, the last is a child of the root.
    """
    _check_index_size(index, size)
    ranges: list[tuple[int, int]] = []
    lo, n, m = 0, size, index
    while n > 1:
        k = _largest_power_of_two_below(n)
        if m < k:
            ranges.append((lo + k, lo + n))
            n = k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            n -= k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTHs form PROOF(old_size, D[new_size]), in proof order.

    Iterative form of SUBPROOF (RFC 9162 §2.1.4.1).  Empty when
    ``old_size == new_size`` or ``old_size == 0``.
    """
    _check_sizes(old_size, new_size)
    if old_size in (0, new_size):
        return []
    ranges: list[tuple[int, int]] = []
    lo, n, m = 0, new_size, old_size
    include_root = True
    while m != n:
        k = _largest_power_of_two_below(n)
        if m <= k:
            ranges.append((lo + k, lo + n))
            n = k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            n -= k
            include_root = False
    if not include_root:
        ranges.append((lo, lo + n))
    ranges.reverse()
    return ranges


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_index_size(index: int, size: int) -> None:
    if not _is_int(index) or not _is_int(size):
        raise ValueError("index and size must be integers")
    if size <= 0 or not 0 <= index < size:
        raise ValueError(f"index {index} out of range for tree size {size}")


def _check_sizes(old_size: int, new_size: int) -> None:
    if not _is_int(old_size) or not _is_int(new_size):
        raise ValueError("sizes must be integers")
    if old_size < 0 or new_size < old_size:
        raise ValueError(f"invalid consistency sizes {old_size} -> {new_size}")


def _range_hash(leaf_hashes: Sequence[bytes], begin: int, end: int) -> bytes:
    return _mth(leaf_hashes[begin:end])


def inclusion_proof(index: int, size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 inclusion proof of leaf ``index`` in a tree of ``size``.

    The tree is made of the first ``size`` of ``leaf_hashes``.  Runs in O(size)
    hash operations (the proof ranges are disjoint).  Raises :class:`ValueError`
    if ``index`` or ``size`` are out of range or the leaf hashes are malformed.
    """
    _check_index_size(index, size)
    if size > len(leaf_hashes):
        raise ValueError(f"tree size {size} exceeds the {len(leaf_hashes)} leaves given")
    _check_hashes(leaf_hashes[:size])
    return [_range_hash(leaf_hashes, b, e) for b, e in inclusion_ranges(index, size)]


def consistency_proof(old_size: int, new_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof from ``old_size`` to ``new_size``.

    The trees are made of the first ``old_size`` and ``new_size`` of
    ``leaf_hashes``.  Empty for ``old_size == new_size`` and for ``old_size == 0``.  Raises
    :class:`ValueError` on negative sizes, ``old_size > new_size`` or
    ``new_size > len(leaf_hashes)``.
    """
    _check_sizes(old_size, new_size)
    if new_size > len(leaf_hashes):
        raise ValueError(f"tree size {new_size} exceeds the {len(leaf_hashes)} leaves given")
    _check_hashes(leaf_hashes[:new_size])
    return [_range_hash(leaf_hashes, b, e) for b, e in consistency_ranges(old_size, new_size)]


def _valid_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _valid_proof(proof: object) -> bool:
    if isinstance(proof, (str, bytes, bytearray, memoryview)) or not isinstance(proof, Sequence):
        return False
    if len(proof) > MAX_PROOF_HASHES:
        return False
    return all(_valid_hash(p) for p in proof)


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Verify an inclusion proof per RFC 9162 §2.1.3.2.

    Returns ``True`` iff ``proof`` proves that ``leaf_hash`` is the leaf at
    ``index`` of the tree of ``size`` leaves whose root is ``root``.  Returns
    ``False`` (never raises) on any malformed input.
    """
    if not (_is_int(index) and _is_int(size)) or not 0 <= index < size:
        return False
    if not (_valid_hash(leaf_hash) and _valid_hash(root) and _valid_proof(proof)):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    sha = _sha256
    prefix = _NODE_PREFIX
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha(prefix + p + r).digest()
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = sha(prefix + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def _consistency_trivial(old_size: int, new_size: int, old_root: bytes, new_root: bytes, n_proof: int) -> bool | None:
    """Decide the C2SP merkle-tree verification steps 2-4, or return ``None`` to run the path."""
    if old_size == new_size:
        return n_proof == 0 and old_root == new_root
    if old_size == 0:
        return n_proof == 0
    if n_proof == 0:
        return False
    return None


def _consistency_path_roots(old_size: int, new_size: int, path: Sequence[bytes]) -> tuple[bytes, bytes] | None:
    """Run RFC 9162 §2.1.4.2 steps 3-7; return ``(fr, sr)``, or ``None`` if ``sn`` is wrong."""
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    sha = _sha256
    prefix = _NODE_PREFIX
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr = sha(prefix + c + fr).digest()
            sr = sha(prefix + c + sr).digest()
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = sha(prefix + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return (fr, sr) if sn == 0 else None


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Verify a consistency proof per RFC 9162 §2.1.4.2.

    Edge cases follow the C2SP merkle-tree specification: equal sizes need an
    empty proof and equal roots; ``old_size == 0`` needs an empty proof.
    Returns ``False`` (never raises) on any malformed input.
    """
    if not (_is_int(old_size) and _is_int(new_size)) or not 0 <= old_size <= new_size:
        return False
    if not (_valid_hash(old_root) and _valid_hash(new_root) and _valid_proof(proof)):
        return False
    trivial = _consistency_trivial(old_size, new_size, old_root, new_root, len(proof))
    if trivial is not None:
        return trivial
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    roots = _consistency_path_roots(old_size, new_size, path)
    return roots is not None and roots == (old_root, new_root)
