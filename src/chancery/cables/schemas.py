"""API schemas for cables (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from chancery.cables.content import CableContent, ParagraphIn
from chancery.cables.models import Cable
from chancery.cables.selectors import CableView
from chancery.platform.enums import Classification


class CableSummaryOut(Schema):
    """A cable as listed: number, markings and state; no text."""

    id: int
    reference: str = Field(description='e.g. "EMB-TOKYO 000123"; empty before release')
    year: int | None
    originator: str = Field(alias="originator.code")
    state: str
    precedence: str
    classification: Classification
    tags: list[str]
    captions: list[str]
    updated_at: datetime
    released_at: datetime | None


class ParagraphSchema(Schema):
    """One numbered paragraph and its portion marking (text in the safe Markdown subset)."""

    classification: Classification
    text: str = Field(max_length=100_001)


class ParagraphOut(ParagraphSchema):
    """A stored paragraph with its number."""

    number: int


class AddresseeOut(Schema):
    """An addressee and, once released, its delivery state."""

    organisation: str
    kind: str
    acknowledged_at: datetime | None = None


class AttachmentOut(Schema):
    """A vault document attached to the cable, pinned to one version (shown only if the vault allows)."""

    document_id: int
    version: int
    sha256: str


class CableOut(Schema):
    """An opened cable: markings, routing and text."""

    cable: CableSummaryOut
    compartments: list[str] = Field(description="compartment codes; only holders of all of them read the cable")
    attachments: list[AttachmentOut] = Field(description="the attachments the vault lets the caller read")
    hidden_attachments: int = Field(description="how many attachments the vault does not let the caller read")
    subject: str
    paragraphs: list[ParagraphOut]
    addressees: list[AddresseeOut]
    clearances: dict[str, str] = Field(description="clearing office code → pending, cleared or returned")
    references: list[int]
    content_sha256: str = Field(description="SHA-256 of the canonical cable, logged at release")

    @staticmethod
    def from_view(view: CableView) -> dict[str, Any]:
        """Return the response data for an opened cable (Ninja validates it against this schema)."""
        acknowledged = {d.organisation_id: d.acknowledged_at for d in view.deliveries}
        return {
            "cable": view.cable,
            "compartments": view.compartments,
            "attachments": [
                {"document_id": a.document_id, "version": a.version_number, "sha256": a.sha256}
                for a in view.attachments
            ],
            "hidden_attachments": view.hidden_attachments,
            "subject": view.subject,
            "paragraphs": [
                {"number": p.number, "classification": Classification(p.classification), "text": p.text}
                for p in view.paragraphs
            ],
            "addressees": [
                {
                    "organisation": a.organisation.code,
                    "kind": a.kind,
                    "acknowledged_at": acknowledged.get(a.organisation_id),
                }
                for a in view.addressees
            ],
            "clearances": {c.office.code: c.status for c in view.clearances},
            "references": [r.pk for r in view.references],
            "content_sha256": view.cable.content_sha256,
        }


class CableIn(Schema):
    """A draft: subject, markings, numbered paragraphs, addressees (unit codes), clearers, references."""

    subject: str = Field(max_length=400)
    classification: Classification
    precedence: str = Field(max_length=32)
    paragraphs: list[ParagraphSchema] = Field(max_length=60)
    action: list[str] = Field(max_length=60)
    info: list[str] = Field(default_factory=list, max_length=60)
    clearers: list[str] = Field(default_factory=list, max_length=60)
    tags: list[str] = Field(default_factory=list, max_length=20)
    captions: list[str] = Field(default_factory=list, max_length=10)
    references: list[int] = Field(default_factory=list, max_length=50)
    compartments: list[str] = Field(default_factory=list, max_length=20)
    attachments: list[int] = Field(default_factory=list, max_length=20, description="vault document ids")

    def content(self) -> CableContent:
        """Return the payload as cable content for the services."""
        return CableContent(
            subject=self.subject,
            classification=int(self.classification),
            precedence=self.precedence,
            paragraphs=[ParagraphIn(int(p.classification), p.text) for p in self.paragraphs],
            action_codes=self.action,
            info_codes=self.info,
            clearer_codes=self.clearers,
            tags=self.tags,
            captions=self.captions,
            reference_ids=self.references,
            compartment_codes=self.compartments,
            attachment_ids=self.attachments,
        )


class ReturnIn(Schema):
    """Why the cable goes back to its drafter."""

    comment: str = Field(max_length=2000)


class SavedSearchIn(Schema):
    """An archive query to save."""

    query: str = Field(max_length=200)


class SavedSearchOut(Schema):
    """One of the caller's saved searches."""

    id: int
    query: str
    created_at: datetime


class SearchHitOut(Schema):
    """A search hit: the cable and its subject."""

    cable: CableSummaryOut
    subject: str


__all__ = [
    "Cable",
    "CableIn",
    "CableOut",
    "CableSummaryOut",
    "ReturnIn",
    "SavedSearchIn",
    "SavedSearchOut",
    "SearchHitOut",
]
