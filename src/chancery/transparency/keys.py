"""The log's signing keys: Ed25519 and ML-DSA-44, generated under ``var/tlog/`` at first use.

The private keys never leave the key directory (mode 0700, files 0600); the verifier keys are
published at ``/tlog/vkey``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.conf import settings

from chancery_tlog.hybrid import HybridLogSigner, MLDSASigner
from chancery_tlog.note import Signer


def key_dir() -> Path:
    """Return the directory holding the log's private keys (created 0700 if missing)."""
    directory = Path(settings.TLOG_KEY_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _read_or_create(path: Path, make: str) -> str:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(make + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return make


@cache
def log_signer() -> HybridLogSigner:
    """Return the log's hybrid signer, creating both keys on first use (named after the origin)."""
    origin = settings.TLOG_ORIGIN
    directory = key_dir()
    classical = Signer.from_skey(_read_or_create(directory / "log-ed25519.skey", Signer.generate(origin).skey))
    post_quantum = MLDSASigner.from_skey(
        _read_or_create(directory / "log-mldsa44.skey", MLDSASigner.generate(origin).skey),
    )
    return HybridLogSigner(classical, post_quantum)


def log_vkeys() -> list[str]:
    """Return the log's verifier keys (Ed25519 first, then ML-DSA-44), one vkey string each."""
    signer = log_signer()
    return [signer.classical.vkey, signer.post_quantum.vkey]
