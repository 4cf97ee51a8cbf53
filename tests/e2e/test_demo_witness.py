"""The demo's partner witness, a separate process, cosigns the demo log's checkpoints over HTTP."""

from __future__ import annotations

import time

import httpx
import pytest

from chancery_tlog.checkpoint import Checkpoint, CosignatureVerifier
from chancery_tlog.hybrid import verifier_from_vkey
from chancery_tlog.note import open_note
from tests.e2e.demo import DemoServer

pytestmark = pytest.mark.browser
WAIT_SECONDS = 60


def test_witness_cosigns_the_demo_logs_checkpoint(demo_server: DemoServer) -> None:
    log_verifiers = [verifier_from_vkey(v) for v in httpx.get(demo_server.base_url + "/tlog/vkey").text.splitlines()]
    witness = CosignatureVerifier.from_vkey(httpx.get(demo_server.witness_url + "/vkey").text.strip())
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        note = httpx.get(demo_server.base_url + "/tlog/checkpoint").text
        if f"\u2014 {witness.name} " in note or time.monotonic() > deadline:
            break
        time.sleep(1)
    text, signatures = open_note(note, [*log_verifiers, witness])
    signers = {(s.name, s.key_id) for s in signatures}
    assert (witness.name, witness.key_id) in signers, "the witness never cosigned a demo checkpoint"
    assert all((v.name, v.key_id) in signers for v in log_verifiers), "both log signatures must verify"
    assert Checkpoint.parse(text).size > 0
