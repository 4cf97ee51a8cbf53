"""Tests for chancery_tlog.policy (C2SP tlog-policy)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_tlog.checkpoint import Checkpoint, CosignatureSigner, OriginMismatchError
from chancery_tlog.hybrid import MLDSASigner
from chancery_tlog.note import InvalidSignatureError, Signer, UnverifiedNoteError, sign_note
from chancery_tlog.policy import (
    MalformedPolicyError,
    PolicyNotSatisfiedError,
    parse_policy,
)

ORIGIN = "example.com/log"
LOG = Signer(ORIGIN, bytes(32))
LOG_PQ = MLDSASigner(ORIGIN, bytes([5]) * 32)
W = {
    name: CosignatureSigner(f"{name.lower()}.example", bytes([i + 1]) * 32, clock=lambda: 1)
    for i, name in enumerate(["X1", "X2", "X3", "Y1", "Y2", "Y3"])
}
W_PQ = MLDSASigner("pq.example", bytes([99]) * 32, clock=lambda: 1)
ROOT = hashlib.sha256(b"r").digest()
BODY = Checkpoint(ORIGIN, 10, ROOT).format()


def spec_example_policy() -> str:
    # The example policy of C2SP tlog-policy §Example policy (keys filled in).
    return f"""log {LOG.vkey}

witness X1 {W["X1"].vkey}
witness X2 {W["X2"].vkey}
witness X3 {W["X3"].vkey}
group X-witnesses 2 X1 X2 X3

witness Y1 {W["Y1"].vkey}
witness Y2 {W["Y2"].vkey}
witness Y3 {W["Y3"].vkey}
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
"""


def test_spec_example_structure() -> None:
    p = parse_policy(spec_example_policy())
    assert [log.origin for log in p.logs] == [ORIGIN]
    assert set(p.witnesses) == {"X1", "X2", "X3", "Y1", "Y2", "Y3"}
    assert p.groups["X-witnesses"].threshold == 2
    assert p.groups["Y-witnesses"].threshold == 1
    assert p.groups["X-and-Y"].threshold == 2
    assert p.quorum == "X-and-Y"


def test_spec_example_quorum_semantics() -> None:
    # "at least two of the X-witnesses, and at least one of the Y-witnesses".
    p = parse_policy(spec_example_policy())
    names = ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    for r in range(len(names) + 1):
        for subset in itertools.combinations(names, r):
            xs = sum(n.startswith("X") for n in subset)
            ys = sum(n.startswith("Y") for n in subset)
            assert p.quorum_satisfied(subset) == (xs >= 2 and ys >= 1), subset


def test_verify_checkpoint_end_to_end() -> None:
    p = parse_policy(spec_example_policy())
    good = sign_note(BODY, [LOG, W["X1"], W["X3"], W["Y2"]])
    result = p.verify_checkpoint(good, origin=ORIGIN)
    assert result.witnesses == frozenset({"X1", "X3", "Y2"})
    assert result.checkpoint.size == 10
    not_enough = sign_note(BODY, [LOG, W["X1"], W["Y2"]])
    with pytest.raises(PolicyNotSatisfiedError, match="quorum"):
        p.verify_checkpoint(not_enough)
    no_log = sign_note(BODY, [W["X1"], W["X2"], W["Y1"]])
    with pytest.raises(PolicyNotSatisfiedError, match="log"):
        p.verify_checkpoint(no_log)
    with pytest.raises(UnverifiedNoteError):
        p.verify_checkpoint(sign_note(BODY, [Signer.generate(ORIGIN)]))
    with pytest.raises(OriginMismatchError):
        p.verify_checkpoint(good, origin="example.com/other")
    # A log key named differently from the checkpoint origin does not count.
    other_body = Checkpoint("example.com/other", 1, ROOT).format()
    with pytest.raises(PolicyNotSatisfiedError):
        p.verify_checkpoint(sign_note(other_body, [LOG, W["X1"], W["X2"], W["Y1"]]))


def test_invalid_cosignature_rejects_checkpoint() -> None:
    p = parse_policy(spec_example_policy())
    note = sign_note(BODY, [LOG, W["X1"], W["X2"], W["Y1"]])
    lines = note.splitlines(keepends=True)
    raw = bytearray(base64.b64decode(lines[-1].split(" ")[2]))
    raw[-1] ^= 1
    lines[-1] = f"— {W['Y1'].name} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(InvalidSignatureError):
        p.verify_checkpoint("".join(lines))


def test_quorum_none_and_single_witness() -> None:
    p = parse_policy(f"log {LOG.vkey}\nquorum none\n")
    assert p.quorum_satisfied([])
    assert p.verify_checkpoint(sign_note(BODY, [LOG])).witnesses == frozenset()
    p = parse_policy(f"log {LOG.vkey}\nwitness a {W['X1'].vkey}\nquorum a\n")
    assert not p.quorum_satisfied([])
    assert p.quorum_satisfied(["a"])


def test_ml_dsa_keys_accepted() -> None:
    p = parse_policy(f"log {LOG_PQ.vkey} https://log.example/\nwitness pq {W_PQ.vkey} https://w.example/\nquorum pq\n")
    assert p.logs[0].url == "https://log.example/"
    assert p.witnesses["pq"].url == "https://w.example/"
    result = p.verify_checkpoint(sign_note(BODY, [LOG_PQ, W_PQ]))
    assert result.witnesses == frozenset({"pq"})


def test_whitespace_comments_and_tabs() -> None:
    text = f"# a comment\n   \n\t log\t{LOG.vkey}  \n  # indented comment\nwitness\tw {W['X1'].vkey}\nquorum   w"
    p = parse_policy(text)  # no trailing newline after the last line is tolerated
    assert p.quorum == "w"


def test_names_are_opaque_octets() -> None:
    # "the name 0x4B (ASCII "K") is different from the name 0xE2 0x84 0xAA (a Kelvin sign)".
    text = f"witness K {W['X1'].vkey}\nwitness \u212a {W['X2'].vkey}\ngroup g all K \u212a\nquorum g\n"
    p = parse_policy(text.encode())
    assert set(p.witnesses) == {"K", "\u212a"}
    assert not p.quorum_satisfied(["K"])
    assert p.quorum_satisfied(["K", "\u212a"])
    # Non-UTF-8 high octets are allowed in names too.
    p = parse_policy(b"witness \xff\xfe " + W["X1"].vkey.encode() + b"\nquorum \xff\xfe\n")
    assert len(p.witnesses) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",  # no quorum
        "quorum none\nquorum none\n",
        "quorum X\n",  # undefined
        "bogus line\nquorum none\n",
        "log\nquorum none\n",
        f"log {LOG.vkey} url extra\nquorum none\n",
        f"log {LOG.vkey}\nlog {LOG.vkey}\nquorum none\n",  # duplicate log
        f"log {W['X1'].vkey}\nquorum none\n",  # cosignature key as log key
        f"witness w {LOG.vkey}\nquorum none\n",  # log key as witness key
        f"witness w {W['X1'].vkey}\nwitness w {W['X2'].vkey}\nquorum w\n",  # duplicate name
        f"witness a {W['X1'].vkey}\nwitness b {W['X1'].vkey}\nquorum a\n",  # duplicate key
        f"witness none {W['X1'].vkey}\nquorum none\n",
        f"witness a {W['X1'].vkey}\ngroup g 0 a\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup g 2 a\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup g 01 a\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup g all\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup g any a a\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup g any a\ngroup h any a\nquorum g\n",  # member twice
        f"witness a {W['X1'].vkey}\ngroup g any b\nwitness b {W['X2'].vkey}\nquorum g\n",  # forward ref
        f"witness a {W['X1'].vkey}\ngroup g any none\nquorum g\n",
        f"witness a {W['X1'].vkey}\ngroup a any a\nquorum a\n",
        f"witness a {W['X1'].vkey}\ngroup g any a\ngroup g any g\nquorum g\n",
        f"witness a {W['X1'].vkey}\nquorum a b\n",
        f"log {LOG.vkey}\r\nquorum none\n",  # CR is not an allowed octet
        f"log {LOG.vkey}\x7f\nquorum none\n",
        "log not-a-vkey\nquorum none\n",
        "\ud800\n",
    ],
)
def test_malformed_policies(text: str) -> None:
    with pytest.raises(MalformedPolicyError):
        parse_policy(text)


def test_error_reports_line_number() -> None:
    with pytest.raises(MalformedPolicyError) as info:
        parse_policy("# c\nquorum none\nbogus\n")
    assert info.value.line == 3


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.lists(
            st.sampled_from(["log", "witness", "group", "quorum", "none", "any", "all", "2", "a", "b", "#", "\t"]),
            max_size=12,
        ).map(" ".join),
    )
)
def test_parser_only_raises_malformed(text: str | bytes) -> None:
    with contextlib.suppress(MalformedPolicyError):
        parse_policy(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.data())
def test_threshold_groups(k: int, data: st.DataObject) -> None:
    names = list(W)
    n = data.draw(st.integers(k, 6))
    members = names[:n]
    lines = [f"witness {m} {W[m].vkey}" for m in members]
    lines.append(f"group g {k} {' '.join(members)}")
    lines.append("quorum g")
    p = parse_policy("\n".join(lines) + "\n")
    cosigned = data.draw(st.sets(st.sampled_from(members)))
    assert p.quorum_satisfied(cosigned) == (len(cosigned) >= k)
