"""``/api/v1/tlog``: inclusion and consistency proofs, and entry metadata for auditors."""

from __future__ import annotations

import base64
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chancery.platform.api.auth import request_actor
from chancery.platform.api.problems import Problem
from chancery.transparency import selectors

router = Router(tags=["transparency"])


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


class InclusionQuery(Schema):
    """Which leaf, in which tree size."""

    index: int = Field(..., ge=0, description="Leaf index (0-based).")
    size: int = Field(..., ge=1, description="Tree size; at most the latest signed checkpoint's size.")


class InclusionProofOut(Schema):
    """RFC 9162 inclusion proof: sibling hashes from the leaf up, base64."""

    index: int
    size: int
    proof: list[str]


class ConsistencyQuery(Schema):
    """The two tree sizes to prove consistent."""

    old: int = Field(..., ge=0, description="Older tree size.")
    new: int = Field(..., ge=0, description="Newer tree size; at most the latest signed checkpoint's size.")


class ConsistencyProofOut(Schema):
    """RFC 9162 consistency proof between two tree sizes, base64."""

    old: int
    new: int
    proof: list[str]


class EntryOut(Schema):
    """Where a record sits in the log (no record content)."""

    index: int
    record_type: str
    record_id: str
    leaf_hash: str
    recorded_at: datetime


@router.get(
    "/proofs/inclusion",
    response={200: InclusionProofOut, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    operation_id="tlog_inclusion_proof",
)
def inclusion_proof(request: HttpRequest, query: Query[InclusionQuery]) -> InclusionProofOut:
    """Return the inclusion proof of leaf ``index`` in the tree of ``size`` leaves (scope ``transparency:read``)."""
    proof = selectors.inclusion_proof_get(actor=request_actor(request), index=query.index, size=query.size)
    return InclusionProofOut(index=query.index, size=query.size, proof=_b64(proof))


@router.get(
    "/proofs/consistency",
    response={200: ConsistencyProofOut, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    operation_id="tlog_consistency_proof",
)
def consistency_proof(request: HttpRequest, query: Query[ConsistencyQuery]) -> ConsistencyProofOut:
    """Return the consistency proof between tree sizes ``old`` and ``new`` (scope ``transparency:read``)."""
    proof = selectors.consistency_proof_get(actor=request_actor(request), old_size=query.old, new_size=query.new)
    return ConsistencyProofOut(old=query.old, new=query.new, proof=_b64(proof))


@router.get(
    "/entries/{index}",
    response={200: EntryOut, 401: Problem, 403: Problem, 404: Problem, 429: Problem},
    operation_id="tlog_entry_get",
)
def entry(request: HttpRequest, index: int) -> EntryOut:
    """Return the metadata of the entry at ``index`` (auditors: security officers and administrators)."""
    found = selectors.entry_get(actor=request_actor(request), index=index)
    return EntryOut(
        index=int(found.index),
        record_type=found.record_type,
        record_id=found.record_id,
        leaf_hash=base64.b64encode(bytes(found.leaf_hash)).decode("ascii"),
        recorded_at=found.recorded_at,
    )
