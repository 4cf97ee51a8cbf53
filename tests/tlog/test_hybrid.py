"""Tests for chancery_tlog.hybrid (ML-DSA-44 0x06 checkpoint signatures, hybrid policy)."""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog.checkpoint import Checkpoint, CosignatureSigner, CosignatureVerifier, OriginMismatchError
from chancery_tlog.hybrid import (
    MLDSA44_SIGNATURE_SIZE,
    HybridLogSigner,
    HybridPolicy,
    HybridPolicyError,
    MLDSASigner,
    MLDSAVerifier,
    Requirement,
    open_checkpoint,
    signer_from_skey,
    subtree_message,
    verifier_from_vkey,
)
from chancery_tlog.note import (
    InvalidSignatureError,
    MalformedKeyError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    format_vkey,
    open_note,
    parse_note,
    sign_note,
)

ORIGIN = "example.com/log"
ROOT = hashlib.sha256(b"root").digest()
CLASSICAL = Signer(ORIGIN, bytes(32))
PQ = MLDSASigner(ORIGIN, bytes(range(32)), clock=lambda: 1_700_000_000)
LOG = HybridLogSigner(CLASSICAL, PQ)
CP = Checkpoint(ORIGIN, 42, ROOT)


def test_subtree_message_layout() -> None:
    # tlog-cosignature §ML-DSA-44 signed message, RFC 8446 §3 serialization.
    msg = subtree_message("w.example/1", timestamp=0x0102030405060708, log_origin=ORIGIN, start=0, end=42, root=ROOT)
    expected = (
        b"subtree/v1\n\x00"
        + bytes([11])
        + b"w.example/1"
        + bytes.fromhex("0102030405060708")
        + bytes([15])
        + ORIGIN.encode()
        + (0).to_bytes(8, "big")
        + (42).to_bytes(8, "big")
        + ROOT
    )
    assert msg == expected
    assert len(b"subtree/v1\n\x00") == 12


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timestamp": 1, "start": 1, "end": 2},  # non-zero start needs a zero timestamp
        {"timestamp": 2**63, "start": 0, "end": 2},
        {"timestamp": 0, "start": 3, "end": 2},
        {"timestamp": -1, "start": 0, "end": 2},
        {"timestamp": 0, "start": 0, "end": 2**64},
    ],
)
def test_subtree_message_rejects_bad_fields(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"range|zero|exceed"):
        subtree_message("w", log_origin=ORIGIN, root=ROOT, **kwargs)
    with pytest.raises(ValueError, match="255"):
        subtree_message("w" * 256, timestamp=0, log_origin=ORIGIN, start=0, end=1, root=ROOT)


def test_key_id_uses_type_0x06_and_1312_byte_key() -> None:
    v = PQ.verifier()
    assert len(v.public_key) == 1312
    digest = hashlib.sha256(ORIGIN.encode() + b"\n\x06" + v.public_key).digest()
    assert v.key_id == int.from_bytes(digest[:4], "big")
    name, _, b64 = v.vkey.split("+", 2)
    assert name == ORIGIN
    assert base64.b64decode(b64) == b"\x06" + v.public_key


def test_seed_is_deterministic() -> None:
    again = MLDSASigner.from_skey(PQ.skey)
    assert again.public_key == PQ.public_key
    assert again.key_id == PQ.key_id
    assert MLDSAVerifier.from_vkey(PQ.vkey).key_id == PQ.key_id


def test_mldsa_signature_layout_and_verification() -> None:
    body = CP.format().encode()
    sig = PQ.sign(body)
    assert len(sig) == 8 + MLDSA44_SIGNATURE_SIZE
    assert int.from_bytes(sig[:8], "big") == 1_700_000_000
    v = PQ.verifier()
    assert v.verify_timestamp(body, sig) == 1_700_000_000
    # The raw signature is a FIPS 204 ML-DSA-44 signature (empty context) over cosigned_message.
    msg = subtree_message(ORIGIN, timestamp=1_700_000_000, log_origin=ORIGIN, start=0, end=42, root=ROOT)
    MLDSA44PublicKey.from_public_bytes(v.public_key).verify(sig[8:], msg)
    # Tampering with the timestamp, size, root or signature breaks it.
    assert not v.verify(body, (1).to_bytes(8, "big") + sig[8:])
    assert not v.verify(Checkpoint(ORIGIN, 43, ROOT).format().encode(), sig)
    assert not v.verify(body, sig[:-1] + bytes([sig[-1] ^ 1]))
    assert not v.verify(b"not a checkpoint\n", sig)
    assert not v.verify(body, sig[:100])


def test_mldsa_does_not_cover_extension_lines() -> None:
    # Per tlog-cosignature, extension lines are not part of cosigned_message.
    sig = PQ.sign(Checkpoint(ORIGIN, 42, ROOT, ("ext",)).format().encode())
    assert PQ.verifier().verify(CP.format().encode(), sig)


def test_mldsa_signer_only_signs_checkpoints() -> None:
    with pytest.raises(ValueError, match="checkpoints"):
        PQ.sign(b"hello\n")


def test_hybrid_note_carries_both_signatures() -> None:
    note = LOG.sign(CP)
    sigs = parse_note(note).signatures
    assert [(s.name, len(s.signature)) for s in sigs] == [(ORIGIN, 64), (ORIGIN, 8 + MLDSA44_SIGNATURE_SIZE)]
    result = open_checkpoint(note, LOG.policy())
    assert result.checkpoint == CP
    assert result.classical
    assert result.post_quantum


def test_require_both_rejects_single_signature() -> None:
    body = CP.format()
    only_classical = sign_note(body, [CLASSICAL])
    only_pq = sign_note(body, [PQ])
    with pytest.raises(HybridPolicyError):
        open_checkpoint(only_classical, LOG.policy(Requirement.BOTH))
    with pytest.raises(HybridPolicyError):
        open_checkpoint(only_pq, LOG.policy(Requirement.BOTH))
    assert open_checkpoint(only_classical, LOG.policy(Requirement.EITHER)).classical
    assert open_checkpoint(only_pq, LOG.policy(Requirement.EITHER)).post_quantum
    assert open_checkpoint(only_pq, LOG.policy(Requirement.POST_QUANTUM)).post_quantum
    with pytest.raises(HybridPolicyError):
        open_checkpoint(only_pq, LOG.policy(Requirement.CLASSICAL))
    with pytest.raises(HybridPolicyError):
        open_checkpoint(only_classical, LOG.policy(Requirement.POST_QUANTUM))


def test_open_checkpoint_with_plain_verifier_list() -> None:
    body = CP.format()
    keys = [CLASSICAL.verifier(), PQ.verifier()]
    assert open_checkpoint(LOG.sign(CP), keys).post_quantum
    with pytest.raises(HybridPolicyError):
        open_checkpoint(sign_note(body, [CLASSICAL]), keys)  # default requirement: both
    assert open_checkpoint(sign_note(body, [CLASSICAL]), keys, require="either").classical
    assert open_checkpoint(sign_note(body, [PQ]), keys, require=Requirement.POST_QUANTUM).post_quantum
    with pytest.raises(HybridPolicyError):
        open_checkpoint(sign_note(body, [PQ]), LOG.policy(Requirement.EITHER), require="classical")
    with pytest.raises(ValueError, match="not a valid Requirement"):
        open_checkpoint(LOG.sign(CP), keys, require="sometimes")


def test_invalid_pq_signature_rejects_note() -> None:
    note = LOG.sign(CP)
    lines = note.splitlines(keepends=True)
    raw = bytearray(base64.b64decode(lines[-1].split(" ")[2]))
    raw[-1] ^= 1
    lines[-1] = f"— {ORIGIN} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(InvalidSignatureError):
        open_checkpoint("".join(lines), LOG.policy(Requirement.EITHER))


def test_pq_only_policy_refuses_unsigned_extension_lines() -> None:
    cp = Checkpoint(ORIGIN, 42, ROOT, ("unsigned-by-mldsa",))
    note = sign_note(cp.format(), [PQ])
    with pytest.raises(HybridPolicyError, match="extension"):
        open_checkpoint(note, LOG.policy(Requirement.POST_QUANTUM))
    both = LOG.sign(cp)
    assert open_checkpoint(both, LOG.policy()).checkpoint.extensions == ("unsigned-by-mldsa",)


def test_origin_and_cosigners() -> None:
    witness = CosignatureSigner("witness.example/w1", bytes(range(32, 64)), clock=lambda: 5)
    note = sign_note(CP.format(), [CLASSICAL, PQ, witness])
    result = open_checkpoint(note, LOG.policy(), cosigners=[witness.verifier()], origin=ORIGIN)
    assert result.cosignatures == {(witness.name, witness.key_id): 5}
    with pytest.raises(OriginMismatchError):
        open_checkpoint(note, LOG.policy(), origin="example.com/other")
    other = HybridLogSigner(Signer.generate(ORIGIN), MLDSASigner.generate(ORIGIN))
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(note, other.policy())


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="at least one"):
        HybridPolicy(None, None, Requirement.EITHER)
    with pytest.raises(ValueError, match="post-quantum"):
        HybridPolicy(CLASSICAL.verifier(), None, Requirement.BOTH)
    with pytest.raises(ValueError, match="classical"):
        HybridPolicy(None, PQ.verifier(), Requirement.CLASSICAL)
    with pytest.raises(ValueError, match="same key name"):
        HybridLogSigner(Signer.generate("a"), PQ)
    with pytest.raises(OriginMismatchError):
        LOG.sign(Checkpoint("example.com/other", 1, ROOT))


def test_key_dispatch() -> None:
    witness = CosignatureSigner.generate("w")
    assert isinstance(verifier_from_vkey(CLASSICAL.vkey), Verifier)
    assert isinstance(verifier_from_vkey(witness.vkey), CosignatureVerifier)
    assert isinstance(verifier_from_vkey(PQ.vkey), MLDSAVerifier)
    assert isinstance(signer_from_skey(PQ.skey), MLDSASigner)
    assert isinstance(signer_from_skey(CLASSICAL.skey), Signer)
    assert isinstance(signer_from_skey(witness.skey), CosignatureSigner)
    with pytest.raises(MalformedKeyError, match="does not match"):
        verifier_from_vkey("a+" + f"{0:08x}+AAAA")  # ID mismatch is caught first
    with pytest.raises(MalformedKeyError, match="unsupported"):
        verifier_from_vkey(format_vkey("a", b"\x05" + bytes(32)))
    with pytest.raises(MalformedKeyError):
        MLDSAVerifier.from_vkey(CLASSICAL.vkey)
    with pytest.raises(MalformedKeyError):
        MLDSAVerifier.from_vkey(format_vkey("a", b"\x06" + bytes(31)))


def test_hybrid_generate() -> None:
    log = HybridLogSigner.generate("example.org/x")
    note = log.sign(Checkpoint("example.org/x", 0, hashlib.sha256(b"").digest()))
    _, sigs = open_note(note, log.policy().verifiers())
    assert len(sigs) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_mldsa_vkey_parser_only_raises_malformed(vkey: str) -> None:
    with contextlib.suppress(MalformedKeyError):
        MLDSAVerifier.from_vkey(vkey)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_mldsa_verify_never_raises(sig: bytes) -> None:
    assert PQ.verifier().verify(CP.format().encode(), sig) is False
