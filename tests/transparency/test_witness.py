"""A witness process, started here, cosigns the log's checkpoints over HTTP (C2SP tlog-witness)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chancery.transparency.keys import log_vkeys
from chancery.transparency.models import Cosignature
from chancery.transparency.services import checkpoint_publish, tlog_append
from chancery.transparency.witnessing import _policy_from, checkpoint_witness, cosigned_note
from chancery_tlog.policy import parse_policy
from chancery_tlog.witness import format_add_checkpoint_request

WITNESS_NAME = "witness.mofa.example.jp"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = _free_port()
    vkey_file = tmp_path / "log.vkeys"
    vkey_file.write_text("\n".join(log_vkeys()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANCERY_", "DJANGO_"))}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chancery",
            "witness",
            "serve",
            "--dir",
            str(tmp_path / "witness"),
            "--name",
            WITNESS_NAME,
            "--log-vkey-file",
            str(vkey_file),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        vkey = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not vkey:
            try:
                vkey = httpx.get(url + "/vkey", timeout=1).text.strip()
            except httpx.HTTPError:
                time.sleep(0.1)
        assert vkey, "the witness did not start"
        yield url, vkey
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


@pytest.mark.django_db
def test_witness_process_cosigns_checkpoints_and_the_quorum_holds(
    witness: tuple[str, str],
    tmp_path: Path,
    settings: Any,
) -> None:
    url, witness_vkey = witness
    policy_text = "".join(f"log {v}\n" for v in log_vkeys()) + f"witness partner {witness_vkey} {url}\nquorum partner\n"
    policy_file = tmp_path / "policy.txt"
    policy_file.write_text(policy_text, encoding="utf-8")
    settings.TLOG_WITNESS_POLICY = str(policy_file)
    _policy_from.cache_clear()
    policy = parse_policy(policy_text)

    for n in range(3):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    first = checkpoint_publish()
    assert first is not None
    assert len(checkpoint_witness(checkpoint=first)) == 1
    assert policy.verify_checkpoint(cosigned_note(first)).witnesses == frozenset({"partner"})

    for n in range(3, 8):
        tlog_append(record_type="test.record", record_id=n, fields={"n": n})
    second = checkpoint_publish()
    assert second is not None
    assert len(checkpoint_witness(checkpoint=second)) == 1  # consistency proof 3 -> 8 accepted
    assert Cosignature.objects.filter(witness_name=WITNESS_NAME).count() == 2
    assert policy.verify_checkpoint(cosigned_note(second)).checkpoint.size == 8

    # The witness refuses to go back (409 with its size) and refuses a bad proof (422).
    stale = httpx.post(url + "/add-checkpoint", content=format_add_checkpoint_request(0, [], first.note))
    assert stale.status_code == 409
    assert stale.text == "8\n"
    bogus = httpx.post(url + "/add-checkpoint", content=format_add_checkpoint_request(8, [b"\x00" * 32], second.note))
    assert bogus.status_code == 422
