"""Asking the deployment's witnesses to cosign each new checkpoint (C2SP tlog-witness client).

The witnesses and the quorum come from a C2SP tlog-policy file named by ``CHANCERY_TLOG_WITNESS_POLICY``.
Each witness line with a URL is asked over HTTP; a 409 answer tells us the size the witness last
cosigned, and we retry once with a consistency proof from there.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import httpx
from django.conf import settings
from django.db.models import Max

from chancery.platform.tls import client_ssl_context
from chancery.transparency.models import Cosignature, SignedCheckpoint
from chancery.transparency.services import cosignature_store
from chancery.transparency.store import DatabaseNodeStore
from chancery_tlog import store as tree_store
from chancery_tlog.checkpoint import cosignature_timestamp
from chancery_tlog.note import NoteError
from chancery_tlog.policy import Policy, WitnessEntry, parse_policy
from chancery_tlog.witness import (
    CONTENT_TYPE_SIZE,
    MalformedWitnessMessageError,
    apply_response,
    format_add_checkpoint_request,
    parse_size_body,
)

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10.0


@cache
def _policy_from(path: str) -> Policy:
    return parse_policy(Path(path).read_bytes())


def witness_policy() -> Policy | None:
    """Return the deployment's tlog-policy, or None when no witnesses are configured."""
    path = settings.TLOG_WITNESS_POLICY
    return _policy_from(str(path)) if path else None


def _last_cosigned_size(witness: WitnessEntry) -> int:
    latest = Cosignature.objects.filter(
        witness_name=witness.verifier.name,
        key_id=witness.verifier.key_id,
    ).aggregate(size=Max("checkpoint__size"))
    return int(latest["size"] or 0)


def _ask(client: httpx.Client, witness: WitnessEntry, checkpoint: SignedCheckpoint) -> Cosignature | None:
    url = (witness.url or "").rstrip("/") + "/add-checkpoint"
    old = _last_cosigned_size(witness)
    for _attempt in range(2):
        proof = tree_store.consistency_proof(DatabaseNodeStore(), old, int(checkpoint.size)) if old else []
        body = format_add_checkpoint_request(old, proof, checkpoint.note)
        response = client.post(url, content=body.encode("utf-8"))
        if response.status_code == 409 and response.headers.get("content-type", "").startswith(CONTENT_TYPE_SIZE):
            old = parse_size_body(response.content)
            continue
        if response.status_code != 200:
            logger.warning(
                "witness %s refused checkpoint %d: HTTP %d", witness.name, checkpoint.size, response.status_code
            )
            return None
        _, verified = apply_response(checkpoint.note, response.content, [witness.verifier])
        stored = None
        for signature in verified:
            stored = cosignature_store(
                checkpoint=checkpoint, signature=signature, timestamp=cosignature_timestamp(signature)
            )
        return stored
    return None


def checkpoint_witness(*, checkpoint: SignedCheckpoint, client: httpx.Client | None = None) -> list[Cosignature]:
    """Ask every witness of the policy that has a URL to cosign ``checkpoint``; return what came back.

    A witness that is down, refuses, or answers with something that does not verify is logged and
    skipped: the checkpoint stays valid, only less witnessed.
    """
    policy = witness_policy()
    if policy is None:
        return []
    cosignatures = []
    with client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, verify=client_ssl_context()) as http:
        for witness in policy.witnesses.values():
            if not witness.url:
                continue
            try:
                cosignature = _ask(http, witness, checkpoint)
            except (httpx.HTTPError, MalformedWitnessMessageError, NoteError, ValueError) as error:
                logger.warning(
                    "witness %s could not cosign checkpoint %d: %s", witness.name, checkpoint.size, type(error).__name__
                )
                continue
            if cosignature is not None:
                cosignatures.append(cosignature)
    return cosignatures


def cosigned_note(checkpoint: SignedCheckpoint) -> str:
    """Return the checkpoint note with every stored cosignature line appended."""
    lines = "".join(c.signature_line for c in checkpoint.cosignatures.all())
    return checkpoint.note + lines
