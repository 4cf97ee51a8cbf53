"""Offline proof bundles: `chancery tlog prove` then `chancery tlog check-proof` with no database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chancery.audit.services import audit_record
from chancery.cli import main
from chancery.platform.actor import Actor
from chancery.transparency.keys import log_vkeys
from chancery.transparency.offline import ProofCheckError, proof_bundle_check
from chancery_tlog.hybrid import HybridLogSigner

SYSTEM = Actor.system(purpose="test")


@pytest.fixture
def bundle(django_capture_on_commit_callbacks: Any, tmp_path: Path) -> tuple[Path, int]:
    with django_capture_on_commit_callbacks(execute=True):
        events = [audit_record(actor=SYSTEM, action="test.bundle", object_id=n) for n in range(5)]
    target = events[3].pk
    output = tmp_path / "proof.tlog-proof"
    assert main(["tlog", "prove", f"audit.event:{target}", "-o", str(output)]) == 0
    return output, target


@pytest.mark.django_db
def test_bundle_verifies_offline_in_a_process_without_database(bundle: tuple[Path, int], tmp_path: Path) -> None:
    path, target = bundle
    vkey_file = tmp_path / "vkeys"
    vkey_file.write_text("\n".join(log_vkeys()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANCERY_", "DJANGO_"))}
    env["CHANCERY_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/absent"  # any database access would fail
    result = subprocess.run(
        [sys.executable, "-m", "chancery", "tlog", "check-proof", str(path), "--vkey-file", str(vkey_file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"audit.event:{target}" in result.stdout


@pytest.mark.django_db
def test_bundle_with_tampered_leaf_or_foreign_key_is_refused(bundle: tuple[Path, int]) -> None:
    path, _ = bundle
    text = path.read_text(encoding="utf-8")
    classical, post_quantum = log_vkeys()
    checked = proof_bundle_check(bundle_text=text, vkeys=[classical, post_quantum])
    assert checked.record["type"] == "audit.event"
    lines = text.split("\n")
    extra_line = next(i for i, line in enumerate(lines) if line.startswith("extra "))
    lines[extra_line] = "extra " + "eyJ0eXBlIjoiYXVkaXQuZXZlbnQifQ=="
    with pytest.raises(ProofCheckError, match="inclusion"):
        proof_bundle_check(bundle_text="\n".join(lines), vkeys=[classical])
    stranger = HybridLogSigner.generate(checked.origin)
    with pytest.raises(ProofCheckError):
        proof_bundle_check(bundle_text=text, vkeys=[stranger.classical.vkey])
    with pytest.raises(ProofCheckError, match=r"malformed|header|index"):
        proof_bundle_check(bundle_text="not a proof", vkeys=[classical])
