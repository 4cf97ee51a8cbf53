"""Tests for chancery_tlog.note (C2SP signed-note, x/mod/sumdb/note key formats)."""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog.note import (
    MAX_SIGNATURES,
    AmbiguousKeyError,
    InvalidSignatureError,
    InvalidSignerError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    Signature,
    Signer,
    UnverifiedNoteError,
    Verifier,
    compute_key_id,
    generate_key,
    is_valid_key_name,
    open_note,
    parse_note,
    parse_skey,
    parse_vkey,
    sign_note,
)

# Vectors from golang.org/x/mod/sumdb/note note_test.go.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

PETER = Verifier.from_vkey(PETER_VKEY)
ENOCH = Verifier.from_vkey(ENOCH_VKEY)

# Example note of the C2SP signed-note specification (its key is not published).
SPEC_NOTE = (
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed è subito sera.\n"
    "\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
)


def test_xmod_verifier_key() -> None:
    assert PETER.name == "PeterNeumann"
    assert PETER.key_id == 0xC74F20A3
    assert PETER.vkey == PETER_VKEY
    # Key ID = SHA-256(name || 0x0A || 0x01 || pubkey)[:4] (signed-note §Ed25519 signatures).
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + PETER.public_key).digest()
    assert int.from_bytes(digest[:4], "big") == PETER.key_id
    assert compute_key_id("PeterNeumann", b"\x01" + PETER.public_key) == 0xC74F20A3


def test_xmod_verifier_key_manglings_rejected() -> None:
    # x/mod TestNewVerifier: every proper substring and every single-byte increment fails.
    b = PETER_VKEY.encode()
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if i != 0 or j != len(b):
                with pytest.raises(MalformedKeyError):
                    Verifier.from_vkey(b[i:j].decode())
    for i in range(len(b)):
        mangled = b[:i] + bytes([b[i] + 1]) + b[i + 1 :]
        with pytest.raises(MalformedKeyError):
            Verifier.from_vkey(mangled.decode())
    # Wrong length key with adjusted key hash; unknown algorithm with adjusted key hash.
    with pytest.raises(MalformedKeyError):
        Verifier.from_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(MalformedKeyError):
        Verifier.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_xmod_signer_key_and_manglings() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    assert (signer.name, signer.key_id) == ("PeterNeumann", 0xC74F20A3)
    assert signer.skey == PETER_SKEY
    assert signer.vkey == PETER_VKEY
    b = PETER_SKEY.encode()
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if i == 0 and j == len(b):
                continue
            with pytest.raises(MalformedKeyError):
                Signer.from_skey(b[i:j].decode())
    for i in range(len(b)):
        with pytest.raises(MalformedKeyError):
            Signer.from_skey((b[:i] + bytes([b[i] + 1]) + b[i + 1 :]).decode())


def test_xmod_sign_exact_output() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    assert sign_note(TEXT, [signer]) == TEXT + "\n" + PETER_SIG
    # An existing signature by the same key is replaced (x/mod TestSign).
    stale = Signature("PeterNeumann", 0xC74F20A3, b"BAD-SIGNATURE")
    assert sign_note(TEXT, signer, existing=[stale]) == TEXT + "\n" + PETER_SIG
    # Other existing signatures are kept, before the new ones.
    enoch = parse_note(TEXT + "\n" + ENOCH_SIG).signatures[0]
    assert sign_note(TEXT, signer, existing=[enoch]) == TEXT + "\n" + ENOCH_SIG + PETER_SIG


def test_sign_rejects_bad_input() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    with pytest.raises(MalformedNoteError):
        sign_note("abc", [signer])
    with pytest.raises(MalformedNoteError):
        sign_note("a\x01b\n", [signer])

    class BadName:
        name = "bad name"
        key_id = 1

        def sign(self, msg: bytes) -> bytes:
            return b"x"

    with pytest.raises(InvalidSignerError):
        sign_note(TEXT, [BadName()])
    with pytest.raises(InvalidSignerError):
        sign_note(TEXT, [])


def test_xmod_open_one_verified_one_unknown() -> None:
    text, sigs = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER])
    assert text == TEXT
    assert [(s.name, s.key_id) for s in sigs] == [("PeterNeumann", 0xC74F20A3)]
    assert sigs[0].base64 == PETER_SIG.split(" ")[2].strip()


def test_xmod_open_both_verified() -> None:
    _, sigs = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER, ENOCH])
    assert [s.name for s in sigs] == ["PeterNeumann", "EnochRoot"]


def test_xmod_open_unverified() -> None:
    with pytest.raises(UnverifiedNoteError) as info:
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    assert str(info.value) == "note has no verifiable signatures"
    assert info.value.note.text == TEXT
    assert [s.name for s in info.value.note.signatures] == ["PeterNeumann", "EnochRoot"]


def test_xmod_open_ambiguous_verifier() -> None:
    with pytest.raises(AmbiguousKeyError, match="ambiguous key EnochRoot\\+af0cfe78"):
        open_note(TEXT + "\n" + ENOCH_SIG, [ENOCH, PETER, ENOCH])
    # Unused duplicated verifier is fine.
    open_note(TEXT + "\n" + PETER_SIG, [ENOCH, PETER, ENOCH])


def test_xmod_open_too_many_signatures() -> None:
    with pytest.raises(MalformedNoteError):
        open_note(TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1), [PETER])
    with pytest.raises(MalformedNoteError):
        open_note(TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1), [])
    # The spec requires accepting at least 16 signatures.
    _, sigs = open_note(TEXT + "\n" + PETER_SIG * 16, [PETER])
    assert len(sigs) == 1


def test_xmod_open_invalid_signature() -> None:
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError, match="invalid signature for key PeterNeumann\\+c74f20a3") as info:
        open_note(bad, [PETER])
    assert (info.value.name, info.value.key_id) == ("PeterNeumann", 0xC74F20A3)


def test_invalid_signature_by_known_key_rejects_even_with_a_valid_one() -> None:
    bad_line = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError):
        open_note(TEXT + "\n" + PETER_SIG + bad_line, [PETER])


def test_xmod_duplicated_signatures_deduplicated() -> None:
    note = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    _, sigs = open_note(note, [PETER])
    assert [s.name for s in sigs] == ["PeterNeumann"]


@pytest.mark.parametrize(
    "msg",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + "— PeterNeumann\n",
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\n" + PETER_SIG.replace("=\n", "\n"),
        TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Peter+Neumann"),
        TEXT + "\n" + PETER_SIG + "\n",
        TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
        "\ud800" + TEXT + "\n" + PETER_SIG,
    ],
)
def test_xmod_malformed_notes(msg: str) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(msg, [PETER])


def test_non_utf8_bytes_rejected() -> None:
    with pytest.raises(MalformedNoteError):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [PETER])
    _, sigs = open_note((TEXT + "\n" + PETER_SIG).encode(), [PETER])
    assert len(sigs) == 1


def test_spec_example_note_structure() -> None:
    # C2SP signed-note: the last blank line separates text (which may contain blank lines).
    parsed = parse_note(SPEC_NOTE)
    assert parsed.text == "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    (sig,) = parsed.signatures
    assert sig.name == "quasimodo.example/salvatore"
    assert sig.key_id == 0x367BA04B
    assert len(sig.signature) == 64
    with pytest.raises(UnverifiedNoteError):
        open_note(SPEC_NOTE, [PETER, ENOCH])


def test_unknown_key_sharing_name_or_id_is_ignored() -> None:
    # Same name, different key ID; and same key ID, different name: both ignored.
    same_name = Signer.generate("PeterNeumann")
    other = sign_note(TEXT, [same_name])
    with pytest.raises(UnverifiedNoteError):
        open_note(other, [PETER])
    renamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    with pytest.raises(UnverifiedNoteError):
        open_note(TEXT + "\n" + renamed, [PETER])


def test_generate_key_round_trip() -> None:
    skey, vkey = generate_key("EnochRoot")
    signer, verifier = Signer.from_skey(skey), Verifier.from_vkey(vkey)
    assert signer.key_id == verifier.key_id
    assert signer.name == verifier.name == "EnochRoot"
    sig = signer.sign(b"hi")
    assert verifier.verify(b"hi", sig)
    assert not verifier.verify(b"hj", sig)
    assert not verifier.verify(b"hi", bytes([sig[0] ^ 1]) + sig[1:])
    assert not verifier.verify(b"hi", sig[:-1])


def test_pluggable_verifier() -> None:
    class HMACish:
        name = "example.com/custom"
        key_id = 0x01020304

        def verify(self, msg: bytes, sig: bytes) -> bool:
            return sig == hashlib.sha256(msg).digest()

    class Custom:
        name = "example.com/custom"
        key_id = 0x01020304

        def sign(self, msg: bytes) -> bytes:
            return hashlib.sha256(msg).digest()

    note = sign_note(TEXT, [Custom()])
    text, sigs = open_note(note, [HMACish()])
    assert text == TEXT
    assert sigs[0].key_id == 0x01020304


def test_crashing_verifier_counts_as_invalid_signature() -> None:
    class Crashing:
        name = "PeterNeumann"
        key_id = 0xC74F20A3

        def verify(self, msg: bytes, sig: bytes) -> bool:
            raise RuntimeError("boom")

    with pytest.raises(InvalidSignatureError):
        open_note(TEXT + "\n" + PETER_SIG, [Crashing()])


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("example.com/log", True),
        ("oid/1.3.6.1.4.1.44363.47.1", True),
        ("", False),
        ("a+b", False),
        ("a b", False),
        ("a\tb", False),
        ("a\u00a0b", False),
        ("a\u2003b", False),
        ("a\u3000b", False),
        ("naïve", True),
    ],
)
def test_key_name_rules(name: str, ok: bool) -> None:
    assert is_valid_key_name(name) is ok


def test_parse_skey_and_vkey_shapes() -> None:
    name, key_id, material = parse_vkey(PETER_VKEY)
    assert (name, key_id, material[0], len(material)) == ("PeterNeumann", 0xC74F20A3, 1, 33)
    name, key_id, material = parse_skey(PETER_SKEY)
    assert (name, key_id, material[0], len(material)) == ("PeterNeumann", 0xC74F20A3, 1, 33)
    # x/mod parses the ID with strconv.ParseUint(…, 16, 32): upper case hex is accepted,
    # while signs, prefixes and other lengths are not.
    assert parse_vkey(PETER_VKEY.replace("c74f20a3", "C74F20A3"))[1] == 0xC74F20A3
    for bad_id in ("+74f20a3", "0xc74f20a3", "c74f20a", "c74f20a30", "c74f20g3"):
        with pytest.raises(MalformedKeyError):
            parse_vkey(PETER_VKEY.replace("c74f20a3", bad_id))


_SIGNER = Signer.from_skey(PETER_SKEY)
TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32) if c != 10]),
    max_size=200,
).map(lambda s: s + "\n")


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_sign_open_round_trip(text: str) -> None:
    note = sign_note(text, [_SIGNER])
    got, sigs = open_note(note, [PETER])
    assert got == text
    assert len(sigs) == 1


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_parser_never_crashes_on_random_input(data: str | bytes) -> None:
    with contextlib.suppress(NoteError):
        open_note(data, [PETER])


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0), st.text(min_size=1, max_size=3))
def test_mutated_signed_note_fails_or_keeps_text(pos: int, insert: str) -> None:
    note = TEXT + "\n" + PETER_SIG
    pos %= len(note)
    mutated = note[:pos] + insert + note[pos:]
    try:
        text, _ = open_note(mutated, [PETER])
    except NoteError:
        return
    # Only harmless edits can survive: the verified text is unchanged.
    assert text == TEXT


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_vkey_parser_raises_only_malformed_key_error(vkey: str) -> None:
    with contextlib.suppress(MalformedKeyError):
        Verifier.from_vkey(vkey)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_skey_parser_raises_only_malformed_key_error(skey: str) -> None:
    with contextlib.suppress(MalformedKeyError):
        Signer.from_skey("PRIVATE+KEY+" + skey)
    with contextlib.suppress(MalformedKeyError):
        Signer.from_skey(skey)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=40), st.text(min_size=1, max_size=20))
def test_vkey_parser_on_structured_garbage(material: bytes, name: str) -> None:
    vkey = f"{name}+{compute_key_id(name, material) if is_valid_key_name(name) else 0:08x}+"
    vkey += base64.b64encode(material).decode()
    try:
        v = Verifier.from_vkey(vkey)
    except MalformedKeyError:
        return
    assert material[0] == 1
    assert len(material) == 33
    assert v.vkey == vkey
