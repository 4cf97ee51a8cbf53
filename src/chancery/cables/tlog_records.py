"""Released cables as transparency-log leaves: markings and references, the text only as a SHA-256 digest.

The digest is over the cable's canonical form (RFC 8785 JSON of its number, markings and compartments,
addressees, subject, paragraphs and the SHA-256 of every attached vault document version), computed
once at release and stored on the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chancery.cables import sealing
from chancery.cables.content import canonical_sha256
from chancery.cables.models import Cable
from chancery.transparency.records import RecordType, register

RECORD_TYPE = "cables.release"


@dataclass(frozen=True, slots=True)
class Canonical:
    """A cable's canonical document (contains text: never log it) and its digest."""

    document: dict[str, Any]
    sha256: str


def cable_canonical(cable: Cable, key: sealing.CableKey) -> Canonical:
    """Return the canonical document of a numbered cable and its SHA-256; needs the cable's open key."""
    document: dict[str, Any] = {
        "id": cable.pk,
        "originator": cable.originator.code,
        "year": cable.year,
        "number": cable.number,
        "classification": cable.classification,
        "precedence": cable.precedence,
        "tags": list(cable.tags),
        "captions": list(cable.captions),
        "subject": sealing.text_open(key, cable.subject_sealed, role="subject"),
        "paragraphs": [
            {
                "number": p.number,
                "classification": p.classification,
                "text": sealing.text_open(key, p.text_sealed, role=f"p{p.number}"),
            }
            for p in cable.paragraphs.order_by("number")
        ],
        "addressees": sorted([a.kind, a.organisation.code] for a in cable.addressees.select_related("organisation")),
        "references": sorted(cable.references.values_list("pk", flat=True)),
        "compartments": sorted(cable.compartments.values_list("code", flat=True)),
        "attachments": [
            {"document_id": a.document_id, "version": a.version_number, "sha256": a.sha256}
            for a in cable.attachments.order_by("position", "id")
        ],
        "drafter_id": cable.drafter_id,
        "approver_id": cable.approver_id,
    }
    return Canonical(document=document, sha256=canonical_sha256(document))


def cable_release_fields(cable: Cable) -> dict[str, Any]:
    """Return the leaf fields of a released cable (no text: only its canonical digest)."""
    return {
        "cable_id": cable.pk,
        "number": cable.reference,
        "year": cable.year,
        "precedence": cable.precedence,
        "classification": cable.classification,
        "originator_id": cable.originator_id,
        "released_at": cable.released_at.isoformat() if cable.released_at else None,
        "approver_id": cable.approver_id,
        "content_sha256": cable.content_sha256,
    }


def _load(ids: list[str]) -> Mapping[str, Mapping[str, Any]]:
    cables = Cable.objects.filter(pk__in=[int(i) for i in ids], released_at__isnull=False).select_related("originator")
    return {str(cable.pk): cable_release_fields(cable) for cable in cables}


def _list_ids() -> Iterable[str]:
    released = Cable.objects.filter(released_at__isnull=False).order_by("pk")
    return (str(pk) for pk in released.values_list("pk", flat=True).iterator())


register(RecordType(name=RECORD_TYPE, load_fields=_load, list_ids=_list_ids))
