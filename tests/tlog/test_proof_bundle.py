"""Tests for chancery_tlog.proof_bundle (C2SP tlog-proof)."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog import merkle
from chancery_tlog.checkpoint import Checkpoint, CosignatureSigner, OriginMismatchError
from chancery_tlog.merkle import leaf_hash
from chancery_tlog.note import Signer, UnverifiedNoteError, sign_note
from chancery_tlog.policy import PolicyNotSatisfiedError, parse_policy
from chancery_tlog.proof_bundle import (
    HEADER,
    InclusionProofError,
    LeafHash,
    MalformedProofBundleError,
    ProofBundle,
    verify_bundle,
)

ORIGIN = "example.com/fancylog"
LOG = Signer(ORIGIN, bytes(32))
WITNESS = CosignatureSigner("witness1.example", bytes(range(32)), clock=lambda: 1_700_000_000)
ENTRIES = [f"entry {i}".encode() for i in range(109)]
LEAVES = [leaf_hash(e) for e in ENTRIES]
CP = Checkpoint(ORIGIN, len(LEAVES), merkle.root_hash(LEAVES))
NOTE = sign_note(CP.format(), [LOG, WITNESS])


def bundle_for(index: int, extra: bytes | None = None) -> ProofBundle:
    return ProofBundle(index, tuple(merkle.inclusion_proof(index, len(LEAVES), LEAVES)), NOTE, extra)


def test_spec_layout() -> None:
    # c2sp.org/tlog-proof §Format: header, optional extra line, index line, hashes,
    # empty line, checkpoint verbatim.
    text = bundle_for(73, b"age-v1.2.1-darwin-arm64.tar.gz").format()
    lines = text.split("\n")
    assert lines[0] == HEADER == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "extra " + base64.b64encode(b"age-v1.2.1-darwin-arm64.tar.gz").decode()
    assert lines[2] == "index 73"
    proof = merkle.inclusion_proof(73, len(LEAVES), LEAVES)
    assert lines[3 : 3 + len(proof)] == [base64.b64encode(h).decode() for h in proof]
    assert lines[3 + len(proof)] == ""
    assert text.endswith("\n\n" + NOTE)
    no_extra = bundle_for(0).format()
    assert no_extra.split("\n")[1] == "index 0"


def test_round_trip_and_verify() -> None:
    for index in (0, 1, 57, 108):
        for extra in (None, b"", b"ctx"):
            text = bundle_for(index, extra).format()
            parsed = ProofBundle.parse(text)
            assert parsed == bundle_for(index, extra)
            result = verify_bundle(text, ENTRIES[index], [LOG.verifier()])
            assert result.index == index
            assert result.extra == extra
            assert result.checkpoint == CP


def test_verify_with_leaf_hash() -> None:
    b = bundle_for(5)
    assert verify_bundle(b, LeafHash(LEAVES[5]), [LOG.verifier()]).index == 5
    assert verify_bundle(b, LEAVES[5], [LOG.verifier()], prehashed=True).index == 5
    with pytest.raises(InclusionProofError):
        verify_bundle(b, LEAVES[5], [LOG.verifier()])  # hashed again → wrong leaf
    with pytest.raises(InclusionProofError):
        verify_bundle(b, LeafHash(b"short"), [LOG.verifier()])


def test_wrong_entry_index_or_proof_fails() -> None:
    b = bundle_for(5)
    with pytest.raises(InclusionProofError):
        verify_bundle(b, ENTRIES[6], [LOG.verifier()])
    moved = ProofBundle(6, b.proof, NOTE)
    with pytest.raises(InclusionProofError):
        verify_bundle(moved, ENTRIES[5], [LOG.verifier()])
    short = ProofBundle(5, b.proof[:-1], NOTE)
    with pytest.raises(InclusionProofError):
        verify_bundle(short, ENTRIES[5], [LOG.verifier()])


def test_checkpoint_must_verify() -> None:
    with pytest.raises(UnverifiedNoteError):
        verify_bundle(bundle_for(5), ENTRIES[5], [Signer.generate(ORIGIN).verifier()])
    with pytest.raises(OriginMismatchError):
        verify_bundle(bundle_for(5), ENTRIES[5], [LOG.verifier()], origin="example.com/other")


def test_verify_with_policy() -> None:
    policy = parse_policy(f"log {LOG.vkey}\nwitness w1 {WITNESS.vkey}\nquorum w1\n")
    result = verify_bundle(bundle_for(9), ENTRIES[9], policy=policy)
    assert result.witnesses == frozenset({"w1"})
    only_log = sign_note(CP.format(), [LOG])
    with pytest.raises(PolicyNotSatisfiedError):
        verify_bundle(ProofBundle(9, bundle_for(9).proof, only_log), ENTRIES[9], policy=policy)


# Error cases of transparency-dev/merkle proof/tlog_proof_test.go TestVerifyTLogProofErrors,
# plus further strictness checks.
@pytest.mark.parametrize(
    "text",
    [
        "wrong-header\nindex 0\n\n" + NOTE,
        HEADER + "\nextra !!notbase64!!\nindex 0\n\n" + NOTE,
        HEADER + "\n\n\n" + NOTE,
        HEADER + "\nindex notanumber\n\n" + NOTE,
        HEADER + "\nindex -5\n\n" + NOTE,
        HEADER + "\nindex 0\n!!notbase64!!\n\n" + NOTE,
        HEADER + "\nindex 0\n" + base64.b64encode(bytes(64)).decode() + "\n\n" + NOTE,
        HEADER + "\nindex 01\n\n" + NOTE,
        HEADER + "\nindex 0",
        HEADER + "\nindex 0\n",
        HEADER + "\nindex 0\n\nnot a note\n",
        HEADER + "\nindex 0\n\n" + sign_note("not a checkpoint\n", [LOG]),
        HEADER + "\nextra AAAA\nextra AAAA\nindex 0\n\n" + NOTE,
        HEADER + "\nindex 0\nextra AAAA\n\n" + NOTE,
        HEADER + "\r\nindex 0\n\n" + NOTE,
        HEADER,
        "",
        HEADER + "\nindex 0\n" + (base64.b64encode(bytes(32)).decode() + "\n") * 65 + "\n" + NOTE,
    ],
)
def test_malformed_bundles(text: str) -> None:
    with pytest.raises(MalformedProofBundleError):
        ProofBundle.parse(text)
    with pytest.raises(MalformedProofBundleError):
        verify_bundle(text, ENTRIES[0], [LOG.verifier()])


def test_format_validation() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ProofBundle(0, (b"x",), NOTE).format()
    with pytest.raises(ValueError, match="non-negative"):
        ProofBundle(-1, (), NOTE).format()


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**64 - 1),
    st.lists(st.binary(min_size=32, max_size=32), max_size=64),
    st.one_of(st.none(), st.binary(max_size=50)),
)
def test_bundle_round_trip(index: int, proof: list[bytes], extra: bytes | None) -> None:
    b = ProofBundle(index, tuple(proof), NOTE, extra)
    assert ProofBundle.parse(b.format()) == b
    assert ProofBundle.parse(b.format().encode()) == b


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300), st.text(max_size=80).map(lambda s: HEADER + "\n" + s)))
def test_parser_only_raises_malformed(text: str | bytes) -> None:
    with contextlib.suppress(MalformedProofBundleError):
        ProofBundle.parse(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 108), st.integers(0, 10**6))
def test_any_mutation_of_proof_fails(index: int, seed: int) -> None:
    b = bundle_for(index)
    if not b.proof:
        return
    i = seed % len(b.proof)
    bit = (seed // len(b.proof)) % 256
    bad = list(b.proof)
    bad[i] = bytes(x ^ (1 << (bit % 8)) if j == bit // 8 else x for j, x in enumerate(bad[i]))
    with pytest.raises(InclusionProofError):
        verify_bundle(ProofBundle(index, tuple(bad), NOTE), ENTRIES[index], [LOG.verifier()])
