"""Tests for chancery_tlog.merkle: RFC 9162 hashing, proofs and verification."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog import merkle
from chancery_tlog.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)


def dh(h: str) -> bytes:
    return bytes.fromhex(h)


# Reference vectors from transparency-dev/merkle proof/verify_test.go (the RFC 6962
# / Certificate Transparency reference tree of 8 leaves).
LEAVES = [
    b"",
    dh("00"),
    dh("10"),
    dh("2021"),
    dh("3031"),
    dh("40414243"),
    dh("5051525354555657"),
    dh("606162636465666768696a6b6c6d6e6f"),
]
ROOTS = [
    dh("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    dh("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    dh("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    dh("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    dh("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    dh("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    dh("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
LEAF_HASHES = [leaf_hash(d) for d in LEAVES]

# (leaf index (1-based as in the Go file), tree size, proof)
INCLUSION_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (3, 3, [dh("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        2,
        5,
        [
            dh("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (size1, size2, proof), same source.
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            dh("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            dh("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            dh("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            dh("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            dh("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            dh("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            dh("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            dh("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = dh("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_empty_tree_hash() -> None:
    # RFC 9162 §2.1.1: MTH({}) = SHA-256().
    assert root_hash([]) == EMPTY_ROOT == dh("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_leaf_and_node_prefixes() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert node_hash(a, b) != node_hash(b, a)


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_roots(size: int) -> None:
    assert root_hash(LEAF_HASHES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION_VECTORS)
def test_reference_inclusion_proofs(leaf: int, size: int, proof: list[bytes]) -> None:
    index = leaf - 1
    assert inclusion_proof(index, size, LEAF_HASHES) == proof
    assert verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_VECTORS)
def test_reference_consistency_proofs(size1: int, size2: int, proof: list[bytes]) -> None:
    assert consistency_proof(size1, size2, LEAF_HASHES) == proof
    assert verify_consistency(size1, size2, ROOTS[size1 - 1], ROOTS[size2 - 1], proof)


def _corrupt_inclusion(index: int, size: int, proof: list[bytes], root: bytes, lh: bytes) -> list[tuple]:
    # The probe list of transparency-dev/merkle corruptInclusionProof.
    probes: list[tuple] = [
        (index - 1, size, root, lh, proof),
        (index + 1, size, root, lh, proof),
        (index ^ 2, size, root, lh, proof),
        (index, size * 2, root, lh, proof),
        (index, size // 2, root, lh, proof),
        (index, size, root, b"WrongLeaf", proof),
        (index, size, EMPTY_ROOT, lh, proof),
        (index, size, SOME_HASH, lh, proof),
        (index, size, root, lh, [*proof, b""]),
        (index, size, root, lh, [*proof, root]),
        (index, size, root, lh, [b"", *proof]),
        (index, size, root, lh, [root, *proof]),
    ]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        probes.append((index, size, root, lh, bad))
    if proof:
        probes.append((index, size, root, lh, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root, lh, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION_VECTORS)
def test_reference_inclusion_corruptions_fail(leaf: int, size: int, proof: list[bytes]) -> None:
    index = leaf - 1
    for probe in _corrupt_inclusion(index, size, proof, ROOTS[size - 1], LEAF_HASHES[index]):
        i, s, r, lh, p = probe
        if (i, s, r, lh, p) == (index, size, ROOTS[size - 1], LEAF_HASHES[index], proof):
            continue  # e.g. index ^ 2 on a size-1 tree is still index 2 → out of range anyway
        assert not verify_inclusion(lh, i, s, p, r), probe


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_VECTORS[1:])
def test_reference_consistency_corruptions_fail(size1: int, size2: int, proof: list[bytes]) -> None:
    # The probe list of transparency-dev/merkle corruptConsistencyProof.
    r1, r2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    probes: list[tuple] = [
        (size1 - 1, size2, r1, r2, proof),
        (size1 + 1, size2, r1, r2, proof),
        (size1 ^ 2, size2, r1, r2, proof),
        (size1, size2 * 2, r1, r2, proof),
        (size1, size2 // 2, r1, r2, proof),
        (size1, size2, b"WrongRoot", r2, proof),
        (size1, size2, r1, b"WrongRoot", proof),
        (size1, size2, r2, r1, proof),
        (size1, size2, r1, r2, []),
        (size1, size2, r1, r2, [*proof, b""]),
        (size1, size2, r1, r2, [*proof, r1]),
        (size1, size2, r1, r2, [*proof, r2]),
        (size1, size2, r1, r2, [b"", *proof]),
        (size1, size2, r1, r2, [r1, *proof]),
        (size1, size2, r1, r2, [r2, *proof]),
        (size1, size2, r1, r2, [proof[0], *proof]),
        (size1, size2, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes.append((size1, size2, r1, r2, bad))
    for probe in probes:
        assert not verify_consistency(*probe), probe


def test_inclusion_single_entry_tree() -> None:
    # transparency-dev TestVerifyInclusionSingleEntry: the root of a 1-leaf tree is the leaf hash.
    h = leaf_hash(b"data")
    assert root_hash([h]) == h
    assert inclusion_proof(0, 1, [h]) == []
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], h)
    assert not verify_inclusion(b"", 0, 1, [], b"")


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 1)])
def test_inclusion_out_of_range(index: int, size: int) -> None:
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)
    with pytest.raises(ValueError, match="out of range"):
        inclusion_proof(index, size, LEAF_HASHES)


def test_consistency_edge_cases() -> None:
    r1, r2 = SOME_HASH, EMPTY_ROOT
    # Equal sizes: empty proof, valid iff roots equal (RFC 9162 §2.1.4.2 preamble).
    assert verify_consistency(0, 0, r1, r1, [])
    assert verify_consistency(1, 1, r2, r2, [])
    assert verify_consistency(5, 5, ROOTS[4], ROOTS[4], [])
    assert not verify_consistency(0, 0, r1, r2, [])
    assert not verify_consistency(1, 1, r1, r2, [])
    assert not verify_consistency(1, 1, r2, r2, [r2])
    # Old size 0: empty proof is valid whatever the roots (transparency-dev, C2SP merkle-tree).
    assert verify_consistency(0, 1, r1, r2, [])
    assert verify_consistency(0, 8, EMPTY_ROOT, ROOTS[7], [])
    assert not verify_consistency(0, 1, r2, r2, [r2])
    # Time travel and empty proofs for a real extension.
    assert not verify_consistency(1, 0, r1, r2, [])
    assert not verify_consistency(2, 1, r1, r2, [])
    assert not verify_consistency(1, 2, ROOTS[0], ROOTS[1], [])
    assert consistency_proof(0, 8, LEAF_HASHES) == []
    assert consistency_proof(8, 8, LEAF_HASHES) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [(-1, 3), (3, 2), (0, 9), (True, 3)],
)
def test_consistency_proof_invalid_arguments(old: int, new: int) -> None:
    with pytest.raises(ValueError, match=r"sizes|exceeds|invalid"):
        consistency_proof(old, new, LEAF_HASHES)


def test_proof_generation_rejects_bad_leaf_hashes() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        inclusion_proof(0, 2, [b"short", SOME_HASH])
    with pytest.raises(ValueError, match="32-byte"):
        root_hash([SOME_HASH, "not bytes"])  # type: ignore[list-item]


def _labels(data: list[bytes]) -> dict[str, bytes]:
    a, b, c, d, e, f, g = (leaf_hash(x) for x in data)
    h, i, j = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, ll = node_hash(h, i), node_hash(j, g)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "i": i, "j": j, "k": k, "l": ll}


def test_c2sp_merkle_tree_seven_entry_example() -> None:
    # C2SP merkle-tree §Example: labelled proofs for a 7-entry tree.
    data = [f"d{i}".encode() for i in range(7)]
    lab = _labels(data)
    lhs = [leaf_hash(x) for x in data]
    assert root_hash(lhs) == node_hash(lab["k"], lab["l"])
    expected_inclusion = {0: "bil", 3: "chl", 4: "fgk", 6: "jk"}
    for index, labels in expected_inclusion.items():
        assert inclusion_proof(index, 7, lhs) == [lab[x] for x in labels]
    expected_consistency = {3: "cdhl", 4: "l", 6: "jgk"}
    for old, labels in expected_consistency.items():
        assert consistency_proof(old, 7, lhs) == [lab[x] for x in labels]


GARBAGE = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.lists(st.binary(max_size=40), max_size=5),
    st.booleans(),
    st.floats(allow_nan=True),
)


@settings(max_examples=300, deadline=None)
@given(GARBAGE, GARBAGE, GARBAGE, GARBAGE, GARBAGE)
def test_verifiers_never_raise_on_garbage(a: object, b: object, c: object, d: object, e: object) -> None:
    assert verify_inclusion(a, b, c, d, e) is False  # type: ignore[arg-type]
    result = verify_consistency(a, b, c, d, e)  # type: ignore[arg-type]
    assert result is False or (a == b and c == d and e == [] and isinstance(c, bytes) and len(c) == 32)


def test_verifiers_reject_non_list_proofs() -> None:
    lh = LEAF_HASHES[:2]
    proof = inclusion_proof(0, 2, lh)
    root = root_hash(lh)
    assert verify_inclusion(lh[0], 0, 2, proof, root)
    assert verify_inclusion(lh[0], 0, 2, tuple(proof), root)
    assert not verify_inclusion(lh[0], 0, 2, proof[0], root)  # bytes is not a proof
    assert not verify_inclusion(lh[0], 0, 2, [bytearray(proof[0])], root)  # type: ignore[list-item]
    assert not verify_inclusion(lh[0], True, 2, proof, root)
    assert not verify_inclusion(lh[0], 0, 2, [proof[0]] * 1000, root)


_LEAF_CACHE = [leaf_hash(i.to_bytes(4, "big")) for i in range(700)]


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=len(_LEAF_CACHE)))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@settings(max_examples=200, deadline=None)
@given(tree_and_index(), st.data())
def test_inclusion_property(ti: tuple[int, int], data: st.DataObject) -> None:
    size, index = ti
    leaves = _LEAF_CACHE[:size]
    root = root_hash(leaves)
    proof = inclusion_proof(index, size, leaves)
    assert verify_inclusion(leaves[index], index, size, proof, root)
    assert len(proof) <= max(1, (size - 1).bit_length())
    # A single flipped bit anywhere in the proof breaks it.
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = list(proof)
        bad[i] = bytes(x ^ (1 << (bit % 8)) if j == bit // 8 else x for j, x in enumerate(bad[i]))
        assert not verify_inclusion(leaves[index], index, size, bad, root)
        assert not verify_inclusion(leaves[index], index, size, proof[:-1], root)
        pos = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_inclusion(leaves[index], index, size, proof[:pos] + proof[pos + 1 :], root)
    extra = data.draw(st.binary(min_size=32, max_size=32))
    assert not verify_inclusion(leaves[index], index, size, [*proof, extra], root)
    assert not verify_inclusion(leaves[index], index, size, [extra, *proof], root)
    # A different leaf fails.  (Sizes and indexes are not committed to by the
    # hashes, so only the reference vectors above probe wrong sizes/indexes.)
    other = (index + 1) % size
    if other != index:
        assert not verify_inclusion(leaves[other], index, size, proof, root)


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(min_value=0, max_value=len(_LEAF_CACHE)))
    return draw(st.integers(min_value=0, max_value=new)), new


@settings(max_examples=200, deadline=None)
@given(two_sizes(), st.data())
def test_consistency_property(sizes: tuple[int, int], data: st.DataObject) -> None:
    old, new = sizes
    leaves = _LEAF_CACHE[:new]
    r1, r2 = root_hash(leaves[:old]), root_hash(leaves)
    proof = consistency_proof(old, new, leaves)
    assert verify_consistency(old, new, r1, r2, proof)
    if old in (0, new):
        assert proof == []
        return
    assert len(proof) <= (new - 1).bit_length() + 1
    i = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    bad = list(proof)
    bad[i] = bytes(x ^ (1 << (bit % 8)) if j == bit // 8 else x for j, x in enumerate(bad[i]))
    assert not verify_consistency(old, new, r1, r2, bad)
    assert not verify_consistency(old, new, r1, r2, proof[:-1])
    pos = data.draw(st.integers(0, len(proof) - 1))
    assert not verify_consistency(old, new, r1, r2, proof[:pos] + proof[pos + 1 :])
    extra = data.draw(st.binary(min_size=32, max_size=32))
    assert not verify_consistency(old, new, r1, r2, [*proof, extra])
    assert not verify_consistency(old, new, r1, r2, [extra, *proof])
    assert not verify_consistency(old, new, r2, r1, proof)


def test_range_helpers_match_rfc_structure() -> None:
    assert merkle.range_node_ids(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.range_node_ids(4, 7) == [(1, 2), (0, 6)]
    assert merkle.inclusion_ranges(6, 7) == [(4, 6), (0, 4)]
    assert merkle.consistency_ranges(3, 7) == [(2, 3), (3, 4), (0, 2), (4, 7)]
