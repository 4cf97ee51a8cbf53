"""Tests for chancery_tlog.witness (C2SP tlog-witness add-checkpoint)."""

from __future__ import annotations

import base64
import contextlib
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog import merkle
from chancery_tlog.checkpoint import Checkpoint, CosignatureSigner, cosignature_timestamp
from chancery_tlog.hybrid import MLDSASigner
from chancery_tlog.merkle import leaf_hash
from chancery_tlog.note import InvalidSignatureError, Signer, UnverifiedNoteError, open_note, sign_note
from chancery_tlog.witness import (
    CONTENT_TYPE_SIZE,
    AddCheckpointRequest,
    InMemoryWitnessStateStore,
    MalformedWitnessMessageError,
    Outcome,
    Witness,
    WitnessState,
    apply_response,
    format_add_checkpoint_request,
    format_size_body,
    parse_add_checkpoint_request,
    parse_add_checkpoint_response,
    parse_size_body,
)

# Example request and response bodies of C2SP tlog-witness §add-checkpoint.
SPEC_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— example.com/behind-the-sofa "
    "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)
SPEC_RESPONSE = (
    "— witness.example/w1 "
    "CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n"
    "— witness.example/w1 "
    "I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n"
    "— witness.example/w2 "
    "AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n"
)

ORIGIN = "example.com/log"
LOG = Signer(ORIGIN, bytes(32))
OTHER_LOG = Signer("example.com/other", bytes([1]) * 32)
W_ED = CosignatureSigner("witness.example/w1", bytes(range(32)), clock=lambda: 1_700_000_000)
W_PQ = MLDSASigner("witness.example/w2", bytes(range(1, 33)), clock=lambda: 1_700_000_000)
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(200)]


def checkpoint_note(size: int, signer: Signer = LOG, origin: str = ORIGIN) -> str:
    return sign_note(Checkpoint(origin, size, merkle.root_hash(LEAVES[:size])).format(), [signer])


def make_witness(store: InMemoryWitnessStateStore | None = None) -> Witness:
    return Witness(
        [W_ED, W_PQ],
        {ORIGIN: [LOG.verifier()], "example.com/other": [OTHER_LOG.verifier()]},
        store if store is not None else InMemoryWitnessStateStore(),
    )


def request(old: int, new: int, proof: list[bytes] | None = None) -> str:
    if proof is None:
        proof = merkle.consistency_proof(old, new, LEAVES)
    return format_add_checkpoint_request(old, proof, checkpoint_note(new))


def test_parse_spec_request() -> None:
    req = parse_add_checkpoint_request(SPEC_REQUEST)
    assert req.old_size == 20852014
    assert len(req.proof) == 4
    assert req.proof[0] == base64.b64decode("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=")
    assert req.checkpoint_note.startswith("example.com/behind-the-sofa\n20852163\n")
    assert format_add_checkpoint_request(req.old_size, req.proof, req.checkpoint_note) == SPEC_REQUEST
    assert parse_add_checkpoint_request(SPEC_REQUEST.encode()) == req


def test_parse_spec_response() -> None:
    sigs = parse_add_checkpoint_response(SPEC_RESPONSE)
    assert [s.name for s in sigs] == ["witness.example/w1", "witness.example/w1", "witness.example/w2"]
    assert all(len(s.signature) == 72 for s in sigs)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "old 5",
        "old 05\n\n" + "x\n\n— a AAAAAAA=\n",
        "old -1\n\n",
        "old  5\n\n",
        "Old 5\n\n",
        "old 5\nnot base64!\n\n",
        "old 5\n" + base64.b64encode(b"x" * 31).decode() + "\n\n",
        "old 5\n" + base64.b64encode(b"x" * 32).decode() + "\n",  # no blank line
        "old 5\n" + (base64.b64encode(b"x" * 32).decode() + "\n") * 64 + "\n",  # 64 proof lines
        "old 5\n\nnot a note\n",
        "old 5\r\n\n",
        "old 18446744073709551616\n\n",
    ],
)
def test_malformed_requests(body: str) -> None:
    with pytest.raises(MalformedWitnessMessageError):
        parse_add_checkpoint_request(body)
    assert make_witness().add_checkpoint(body).status == 400


def test_63_proof_lines_allowed() -> None:
    body = "old 5\n" + (base64.b64encode(b"x" * 32).decode() + "\n") * 63 + "\n" + checkpoint_note(5)
    assert len(parse_add_checkpoint_request(body).proof) == 63


def test_first_checkpoint_old_size_zero_is_cosigned() -> None:
    store = InMemoryWitnessStateStore()
    w = make_witness(store)
    out = w.add_checkpoint(request(0, 10))
    assert out == Outcome(200, out.body)
    assert out.ok
    sigs = parse_add_checkpoint_response(out.body)
    assert [s.name for s in sigs] == [W_ED.name, W_PQ.name]
    assert cosignature_timestamp(sigs[0]) == 1_700_000_000
    assert store.load(ORIGIN) == WitnessState(10, merkle.root_hash(LEAVES[:10]))
    # The client merges the cosignatures into its checkpoint.
    note, verified = apply_response(checkpoint_note(10), out.body, [W_ED.verifier(), W_PQ.verifier()])
    _, all_sigs = open_note(note, [LOG.verifier(), W_ED.verifier(), W_PQ.verifier()])
    assert len(verified) == 2
    assert len(all_sigs) == 3


def test_old_size_zero_with_proof_is_422() -> None:
    w = make_witness()
    out = w.add_checkpoint(format_add_checkpoint_request(0, [LEAVES[0]], checkpoint_note(10)))
    assert out.status == 422


def test_consistent_update_and_conflicts() -> None:
    w = make_witness()
    assert w.add_checkpoint(request(0, 10)).status == 200
    # Stale old size → 409 with the current size as text/x.tlog.size.
    out = w.add_checkpoint(request(5, 20))
    assert out.status == 409
    assert out.content_type == CONTENT_TYPE_SIZE
    assert out.body == "10\n"
    assert parse_size_body(out.body) == 10
    out = w.add_checkpoint(request(0, 20))
    assert (out.status, out.body) == (409, "10\n")
    # Correct old size and proof → 200.
    assert w.add_checkpoint(request(10, 20)).status == 200
    # Bad proof → 422 and the state is unchanged.
    bad = merkle.consistency_proof(20, 30, LEAVES)
    bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
    assert w.add_checkpoint(request(20, 30, bad)).status == 422
    assert w.add_checkpoint(request(20, 30, [])).status == 422
    assert w.add_checkpoint(request(20, 30)).status == 200


def test_same_size_checks_root() -> None:
    w = make_witness()
    assert w.add_checkpoint(request(0, 10)).status == 200
    assert w.add_checkpoint(request(10, 10)).status == 200
    forked = sign_note(Checkpoint(ORIGIN, 10, LEAVES[0]).format(), [LOG])
    out = w.add_checkpoint(format_add_checkpoint_request(10, [], forked))
    assert out.status == 409
    assert out.content_type != CONTENT_TYPE_SIZE


def test_old_size_larger_than_checkpoint_is_400() -> None:
    w = make_witness()
    out = w.add_checkpoint(format_add_checkpoint_request(11, [], checkpoint_note(10)))
    assert out.status == 400


def test_unknown_origin_is_404_and_bad_signature_403() -> None:
    w = make_witness()
    stranger = Signer("example.com/unknown", bytes([7]) * 32)
    out = w.add_checkpoint(format_add_checkpoint_request(0, [], checkpoint_note(3, stranger, "example.com/unknown")))
    assert out.status == 404
    # Known origin, but signed by a key the witness does not trust for it.
    impostor = Signer(ORIGIN, bytes([9]) * 32)
    out = w.add_checkpoint(format_add_checkpoint_request(0, [], checkpoint_note(3, impostor)))
    assert out.status == 403
    # Known origin signed by another known log's key.
    out = w.add_checkpoint(format_add_checkpoint_request(0, [], checkpoint_note(3, OTHER_LOG)))
    assert out.status == 403
    # A trusted key whose signature does not verify.
    note = checkpoint_note(3)
    tampered = note.replace("\n3\n", "\n4\n")
    assert w.add_checkpoint(format_add_checkpoint_request(0, [], tampered)).status == 403


def test_malformed_checkpoint_body_is_400() -> None:
    w = make_witness()
    note = sign_note("example.com/log\nnot-a-size\nAAAA\n", [LOG])
    assert w.add_checkpoint(format_add_checkpoint_request(0, [], note)).status == 400


class RacingStore(InMemoryWitnessStateStore):
    """Simulates another request winning between the check and the swap."""

    def __init__(self) -> None:
        super().__init__()
        self.race = False

    def compare_and_swap(self, origin: str, old: WitnessState | None, new: WitnessState) -> bool:
        if self.race:
            self.race = False
            super().compare_and_swap(origin, old, WitnessState(50, merkle.root_hash(LEAVES[:50])))
        return super().compare_and_swap(origin, old, new)


def test_compare_and_swap_failure_returns_conflict() -> None:
    store = RacingStore()
    w = make_witness(store)
    assert w.add_checkpoint(request(0, 10)).status == 200
    store.race = True
    out = w.add_checkpoint(request(10, 20))
    assert (out.status, out.body, out.content_type) == (409, "50\n", CONTENT_TYPE_SIZE)
    assert store.load(ORIGIN) == WitnessState(50, merkle.root_hash(LEAVES[:50]))


def test_concurrent_requests_never_roll_back() -> None:
    store = InMemoryWitnessStateStore()
    w = make_witness(store)
    assert w.add_checkpoint(request(0, 10)).status == 200
    results: list[int] = []
    bodies = [request(10, n) for n in range(11, 60)]

    def run(body: str) -> None:
        results.append(w.add_checkpoint(body).status)

    threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) == 1
    assert set(results) == {200, 409}
    state = store.load(ORIGIN)
    assert state is not None
    assert state.size > 10


def test_apply_response_rejects_invalid_cosignature_and_ignores_unknown() -> None:
    w = make_witness()
    out = w.add_checkpoint(request(0, 10))
    note = checkpoint_note(10)
    # Unknown witness keys are ignored; with no trusted key the response is unverified.
    with pytest.raises(UnverifiedNoteError):
        apply_response(note, out.body, [CosignatureSigner.generate("witness.example/w1").verifier()])
    merged, verified = apply_response(note, out.body, [W_ED.verifier()])
    assert [s.name for s in verified] == [W_ED.name]
    assert merged.count("witness.example/w2") == 0
    lines = out.body.splitlines(keepends=True)
    raw = bytearray(base64.b64decode(lines[0].split(" ")[2]))
    raw[-1] ^= 1
    forged = f"— {W_ED.name} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(InvalidSignatureError):
        apply_response(note, forged, [W_ED.verifier()])
    with pytest.raises(MalformedWitnessMessageError):
        apply_response(note, "garbage", [W_ED.verifier()])


def test_size_body() -> None:
    assert format_size_body(0) == "0\n"
    assert parse_size_body(b"123\n") == 123
    for bad in ["", "12", "012\n", "-1\n", "1 \n", b"\xff\n"]:
        with pytest.raises(MalformedWitnessMessageError):
            parse_size_body(bad)


def test_witness_needs_a_key() -> None:
    with pytest.raises(ValueError, match="cosigner"):
        Witness([], {}, InMemoryWitnessStateStore())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**64 - 1),
    st.lists(st.binary(min_size=32, max_size=32), max_size=63),
)
def test_request_round_trip(old: int, proof: list[bytes]) -> None:
    note = checkpoint_note(3)
    body = format_add_checkpoint_request(old, proof, note)
    assert parse_add_checkpoint_request(body) == AddCheckpointRequest(old, tuple(proof), note)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), st.text(max_size=60).map(lambda s: "old " + s)))
def test_request_parser_and_witness_never_crash(body: str | bytes) -> None:
    with contextlib.suppress(MalformedWitnessMessageError):
        parse_add_checkpoint_request(body)
    out = make_witness().add_checkpoint(body)
    assert out.status in {200, 400, 403, 404, 409, 422}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_response_parser_only_raises_malformed(body: str | bytes) -> None:
    with contextlib.suppress(MalformedWitnessMessageError):
        parse_add_checkpoint_response(body)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 199), st.data())
def test_witness_follows_a_growing_log(first: int, data: st.DataObject) -> None:
    w = make_witness()
    assert w.add_checkpoint(request(0, first)).status == 200
    second = data.draw(st.integers(first, 199))
    assert w.add_checkpoint(request(first, second)).status == 200
