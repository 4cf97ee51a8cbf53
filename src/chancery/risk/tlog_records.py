"""Reviews of AI assessments as transparency-log leaves: who decided what on which model output, never text.

One record type, ``risk.review``, one leaf per reviewed assessment (record id = the assessment's id). The
fields never change after the review: the decision is derived from the adjusted figure and the rejection
(a later supersession does not alter it), and the rationale is logged only as its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from chancery.risk.models import Assessment, Status
from chancery.transparency.records import RecordType, register

RECORD_TYPE = "risk.review"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def review_decision(assessment: Assessment) -> str:
    """Return the review's decision (accept, adjust or reject), stable after later supersession."""
    if assessment.status == Status.REJECTED:
        return "reject"
    if assessment.adjusted_probability is not None or assessment.adjusted_value is not None:
        return "adjust"
    return "accept"


def review_fields(assessment: Assessment) -> dict[str, Any]:
    """Return the leaf fields of a reviewed assessment: model output, decision, reviewer and digests."""
    return {
        "kind": assessment.kind,
        "country": assessment.country_iso3,
        "subject_sha256": _digest(assessment.subject),
        "model": assessment.model_name,
        "version": assessment.model_version,
        "data_cutoff": assessment.data_cutoff,
        "horizon": assessment.horizon,
        "model_probability": assessment.probability,
        "model_value": assessment.value,
        "decision": review_decision(assessment),
        "adjusted_probability": assessment.adjusted_probability,
        "adjusted_value": assessment.adjusted_value,
        "reviewer": assessment.reviewer_username,
        "reviewed_at": assessment.reviewed_at.isoformat() if assessment.reviewed_at else None,
        "rationale_sha256": _digest(assessment.rationale),
    }


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    wanted = [int(i) for i in ids if i.isdigit()]
    found = Assessment.objects.filter(pk__in=wanted, reviewed_at__isnull=False)
    return {str(assessment.pk): review_fields(assessment) for assessment in found}


def _list_ids() -> Iterable[str]:
    reviewed = Assessment.objects.filter(reviewed_at__isnull=False).order_by("pk")
    return (str(pk) for pk in reviewed.values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
