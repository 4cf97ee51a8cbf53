"""Checking a proof bundle offline: no Django, no database, only the log's verifier keys."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chancery_tlog.hybrid import verifier_from_vkey
from chancery_tlog.note import NoteError
from chancery_tlog.proof_bundle import ProofBundle, verify_bundle


@dataclass(frozen=True, slots=True)
class CheckedProof:
    """A verified bundle: the leaf's record, its index and the checkpoint it is included in."""

    record: dict[str, Any]
    index: int
    size: int
    origin: str
    signed_by: list[str]


class ProofCheckError(ValueError):
    """The bundle is malformed, unsigned by the given keys, or its proof does not verify."""


def proof_bundle_check(*, bundle_text: str, vkeys: Sequence[str]) -> CheckedProof:
    """Verify a bundle offline against the log's verifier keys; every given key must have signed.

    Needs no database: parses the tlog-proof, opens the checkpoint with ``vkeys`` (Ed25519 and/or
    ML-DSA-44), checks that each key signed it, and checks the inclusion of the leaf carried in
    ``extra``. Raises :class:`ProofCheckError` with the reason otherwise.
    """
    try:
        verifiers = [verifier_from_vkey(v.strip()) for v in vkeys if v.strip()]
    except (NoteError, ValueError) as error:
        msg = f"bad verifier key: {error}"
        raise ProofCheckError(msg) from None
    if not verifiers:
        msg = "at least one verifier key is needed"
        raise ProofCheckError(msg)
    try:
        bundle = ProofBundle.parse(bundle_text)
        if bundle.extra is None:
            msg = "the bundle carries no leaf data"
            raise ProofCheckError(msg)
        verified = verify_bundle(bundle, bundle.extra, verifiers)
    except (NoteError, ValueError) as error:
        if isinstance(error, ProofCheckError):
            raise
        raise ProofCheckError(str(error)) from None
    signed = {(s.name, s.key_id) for s in verified.signatures}
    missing = [v.name for v in verifiers if (v.name, v.key_id) not in signed]
    if missing:
        msg = f"the checkpoint lacks a signature by a required key ({', '.join(missing)})"
        raise ProofCheckError(msg)
    try:
        record = json.loads(bundle.extra)
    except ValueError:
        msg = "the leaf data is not JSON"
        raise ProofCheckError(msg) from None
    return CheckedProof(
        record=record if isinstance(record, dict) else {"value": record},
        index=verified.index,
        size=verified.checkpoint.size,
        origin=verified.checkpoint.origin,
        signed_by=sorted({f"{s.name}+{s.key_id:08x}" for s in verified.signatures}),
    )
