"""Tests for chancery_tlog.checkpoint (C2SP tlog-checkpoint and tlog-cosignature/v1)."""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog.checkpoint import (
    MAX_TIMESTAMP,
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    MalformedCheckpointError,
    OriginMismatchError,
    cosignature_message,
    cosignature_timestamp,
    open_checkpoint,
    verified_cosignatures,
)
from chancery_tlog.note import (
    InvalidSignatureError,
    MalformedKeyError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    open_note,
    parse_note,
    sign_note,
)

# Example checkpoint of C2SP tlog-checkpoint / tlog-cosignature.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_NOTE = (
    SPEC_BODY + "\n" + "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    + "— witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)

SEED = bytes(range(32))
LOG = Signer("example.com/log", SEED)
WITNESS = CosignatureSigner("witness.example/w1", bytes(range(32, 64)), clock=lambda: 1_700_000_000)
ROOT = hashlib.sha256(b"root").digest()


def test_parse_spec_example() -> None:
    cp = Checkpoint.parse(SPEC_BODY)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.extensions == ()
    assert cp.format() == SPEC_BODY


def test_spec_example_cosignature_line() -> None:
    # tlog-cosignature example: the witness line's timestamp is the one in the
    # spec's signed-message example ("time 1679315147").
    parsed = parse_note(SPEC_NOTE)
    assert parsed.text == SPEC_BODY
    log_sig, witness_sig = parsed.signatures
    assert witness_sig.name == "witness.example.com/w1"
    assert witness_sig.key_id == 0x8D66CF3F
    assert len(witness_sig.signature) == 72
    assert cosignature_timestamp(witness_sig) == 1679315147
    assert len(log_sig.signature) == 64


def test_spec_cosignature_message() -> None:
    # tlog-cosignature §Ed25519 signed message example.
    expected = (
        b"cosignature/v1\n"
        b"time 1679315147\n"
        b"example.com/behind-the-sofa\n"
        b"20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    assert cosignature_message(SPEC_BODY, 1679315147) == expected
    assert cosignature_message(SPEC_BODY.encode(), 0).startswith(b"cosignature/v1\ntime 0\n")
    with pytest.raises(ValueError, match="timestamp"):
        cosignature_message(SPEC_BODY, MAX_TIMESTAMP + 1)


def test_extensions_round_trip() -> None:
    cp = Checkpoint("example.com/log", 0, ROOT, ("ext one", "ext-two"))
    text = cp.format()
    assert text.endswith("ext one\next-two\n")
    assert Checkpoint.parse(text) == cp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "origin\n1\n",
        "origin\n1\n" + base64.b64encode(ROOT).decode(),  # missing final newline
        "\n1\n" + base64.b64encode(ROOT).decode() + "\n",  # empty origin
        "origin\n01\n" + base64.b64encode(ROOT).decode() + "\n",  # leading zero
        "origin\n+1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n 1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n1.0\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n\u0661\n" + base64.b64encode(ROOT).decode() + "\n",  # non-ASCII digit
        "origin\n18446744073709551616\n" + base64.b64encode(ROOT).decode() + "\n",  # 2^64
        "origin\n" + "9" * 5000 + "\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n",  # 31-byte hash
        "origin\n1\n" + base64.b64encode(ROOT + b"x").decode() + "\n",
        "origin\n1\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n",  # unpadded
        "origin\n1\n" + base64.urlsafe_b64encode(b"\xff" * 32).decode() + "\n",  # URL alphabet
        "origin\n1\n" + base64.b64encode(ROOT).decode()[:-2] + "B=\n",  # non-canonical bits
        "origin\n1\n" + base64.b64encode(ROOT).decode() + "\n\n",  # empty extension line
        "origin\n1\n" + base64.b64encode(ROOT).decode() + "\next\n\n",
        "ori\x00gin\n1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\r\n1\n" + base64.b64encode(ROOT).decode() + "\n",
    ],
)
def test_malformed_checkpoints(text: str) -> None:
    with pytest.raises(MalformedCheckpointError):
        Checkpoint.parse(text)


def test_size_bounds() -> None:
    root = base64.b64encode(ROOT).decode()
    assert Checkpoint.parse(f"o\n0\n{root}\n").size == 0
    assert Checkpoint.parse(f"o\n18446744073709551615\n{root}\n").size == 2**64 - 1
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("o", -1, ROOT)
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("o", 1, ROOT[:5])
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("o\nx", 1, ROOT)
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("o", 1, ROOT, ("",))


def test_open_checkpoint_checks_origin_and_signature() -> None:
    cp = Checkpoint("example.com/log", 5, ROOT)
    note = sign_note(cp.format(), [LOG])
    got, sigs = open_checkpoint(note, [LOG.verifier()], origin="example.com/log")
    assert got == cp
    assert len(sigs) == 1
    with pytest.raises(OriginMismatchError):
        open_checkpoint(note, [LOG.verifier()], origin="example.com/other")
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(note, [WITNESS.verifier()])
    with pytest.raises(MalformedCheckpointError):
        open_checkpoint(sign_note("not a checkpoint\n", [LOG]), [LOG.verifier()])


def test_cosignature_key_id_uses_type_0x04() -> None:
    v = WITNESS.verifier()
    digest = hashlib.sha256(b"witness.example/w1\n\x04" + v.public_key).digest()
    assert v.key_id == int.from_bytes(digest[:4], "big")
    # Same key material as an 0x01 key gets a different ID.
    assert Verifier("witness.example/w1", v.public_key).key_id != v.key_id


def test_cosignature_sign_and_verify() -> None:
    body = Checkpoint("example.com/log", 5, ROOT).format()
    note = sign_note(body, [LOG, WITNESS])
    v = WITNESS.verifier()
    _, sigs = open_note(note, [LOG.verifier(), v])
    assert len(sigs) == 2
    cosig = sigs[1]
    assert len(cosig.signature) == 72
    assert cosignature_timestamp(cosig) == 1_700_000_000
    assert verified_cosignatures(sigs, [v]) == {(v.name, v.key_id): 1_700_000_000}
    assert v.verify_timestamp(body.encode(), cosig.signature) == 1_700_000_000
    # The raw Ed25519 signature is over the cosignature/v1 message, not the body.
    Ed25519PublicKey.from_public_bytes(v.public_key).verify(
        cosig.signature[8:], cosignature_message(body, 1_700_000_000)
    )


def test_cosignature_tampering_detected() -> None:
    body = Checkpoint("example.com/log", 5, ROOT).format().encode()
    v = WITNESS.verifier()
    sig = WITNESS.sign_at(body, 1234)
    assert v.verify(body, sig)
    # Changing the timestamp invalidates the signature.
    assert not v.verify(body, (1235).to_bytes(8, "big") + sig[8:])
    assert not v.verify(body.replace(b"5", b"6"), sig)
    assert not v.verify(body, sig[:-1])
    assert not v.verify(body, (2**63).to_bytes(8, "big") + sig[8:])
    # A plain Ed25519 (0x01) verifier with the same key does not accept it.
    assert not Verifier(v.name, v.public_key).verify(body, sig[8:])


def test_cosignature_invalid_in_note_rejects() -> None:
    body = Checkpoint("example.com/log", 5, ROOT).format()
    note = sign_note(body, [LOG, WITNESS])
    lines = note.splitlines(keepends=True)
    raw = base64.b64decode(lines[-1].split(" ")[2])
    forged = raw[:4] + (1).to_bytes(8, "big") + raw[12:]
    lines[-1] = f"— {WITNESS.name} {base64.b64encode(forged).decode()}\n"
    with pytest.raises(InvalidSignatureError):
        open_note("".join(lines), [LOG.verifier(), WITNESS.verifier()])


def test_cosigner_keys_round_trip() -> None:
    v = CosignatureVerifier.from_vkey(WITNESS.vkey)
    assert v.vkey == WITNESS.vkey
    assert v.key_id == WITNESS.key_id
    again = CosignatureSigner.from_skey(WITNESS.skey)
    assert again.key_id == WITNESS.key_id
    with pytest.raises(MalformedKeyError):
        CosignatureVerifier.from_vkey(LOG.vkey)  # type 0x01, not 0x04
    with pytest.raises(MalformedKeyError):
        Verifier.from_vkey(WITNESS.vkey)
    with pytest.raises(MalformedKeyError):
        CosignatureSigner.from_skey(LOG.skey)
    assert CosignatureSigner.generate("w").vkey.startswith("w+")


ORIGINS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32)]),
    min_size=1,
    max_size=40,
)
EXTENSIONS = st.lists(ORIGINS, max_size=3).map(tuple)


@settings(max_examples=200, deadline=None)
@given(ORIGINS, st.integers(0, 2**64 - 1), st.binary(min_size=32, max_size=32), EXTENSIONS)
def test_checkpoint_round_trip(origin: str, size: int, root: bytes, ext: tuple[str, ...]) -> None:
    cp = Checkpoint(origin, size, root, ext)
    assert Checkpoint.parse(cp.format()) == cp
    assert Checkpoint.parse(cp.format().encode()) == cp


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_checkpoint_parser_only_raises_malformed(text: str | bytes) -> None:
    try:
        cp = Checkpoint.parse(text)
    except MalformedCheckpointError:
        return
    assert cp.format() == (text.decode() if isinstance(text, bytes) else text)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, MAX_TIMESTAMP), st.integers(0, 2**64 - 1))
def test_cosignature_round_trip(timestamp: int, size: int) -> None:
    body = Checkpoint("example.com/log", size, ROOT).format().encode()
    sig = WITNESS.sign_at(body, timestamp)
    assert WITNESS.verifier().verify_timestamp(body, sig) == timestamp


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_cosignature_vkey_parser_only_raises_malformed(vkey: str) -> None:
    with contextlib.suppress(MalformedKeyError):
        CosignatureVerifier.from_vkey(vkey)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=100))
def test_cosignature_verify_never_raises(sig: bytes) -> None:
    assert WITNESS.verifier().verify(SPEC_BODY.encode(), sig) is False


def test_note_error_hierarchy() -> None:
    assert issubclass(MalformedCheckpointError, NoteError)
    assert issubclass(OriginMismatchError, NoteError)
