"""The vault API's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from chancery.platform.enums import TLP
from chancery.vault.enums import Language
from chancery.vault.services import DocumentFields


class DocumentIn(Schema):
    """Metadata of a new document (multipart form fields beside the file)."""

    title_en: str = Field("", max_length=300)
    title_vi: str = Field("", max_length=300)
    description_en: str = Field("", max_length=5000)
    description_vi: str = Field("", max_length=5000)
    classification: int = Field(
        10, description="0 unclassified, 10 internal, 20 confidential, 30 secret, 40 top secret."
    )
    tlp: TLP = TLP.AMBER
    compartments: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes.")
    language: Language = Language.VIETNAMESE
    retention_class: str = Field("", max_length=64)

    def to_fields(self) -> DocumentFields:
        """Return the service's fields."""
        return DocumentFields(
            title_en=self.title_en,
            title_vi=self.title_vi,
            description_en=self.description_en,
            description_vi=self.description_vi,
            classification=self.classification,
            tlp=self.tlp.value,
            compartments=frozenset(self.compartments),
            tags=tuple(self.tags),
            countries=tuple(self.countries),
            language=self.language.value,
            retention_class=self.retention_class,
        )


class VersionOut(Schema):
    """One version: who, when, size, SHA-256 of the plaintext, detected type."""

    number: int
    filename: str
    size: int
    sha256: str
    mime_type: str
    created_by_id: int
    created_at: datetime
    restored_from_number: int | None = None
    shredded: bool = False

    @staticmethod
    def resolve_restored_from_number(obj: Any) -> int | None:
        """The version this one restored, if any."""
        return obj.restored_from.number if obj.restored_from_id else None

    @staticmethod
    def resolve_shredded(obj: Any) -> bool:
        """True once the version's data key was destroyed."""
        return obj.shredded_at is not None


class DocumentOut(Schema):
    """A document's metadata and markings (content only through the download operation)."""

    id: int
    title_en: str
    title_vi: str
    description_en: str
    description_vi: str
    classification: int
    tlp: str
    compartments: list[str]
    owning_unit: str
    tags: list[str]
    countries: list[str]
    language: str
    created_at: datetime
    updated_at: datetime
    dispose_after: datetime | None
    disposed_at: datetime | None

    @staticmethod
    def resolve_compartments(obj: Any) -> list[str]:
        """The compartment codes."""
        return sorted(compartment.code for compartment in obj.compartments.all())

    @staticmethod
    def resolve_owning_unit(obj: Any) -> str:
        """The owning unit's code."""
        return str(obj.owning_unit.code)


class ShareIn(Schema):
    """Share with exactly one organisation (unit or partner, by code) or one user (by username)."""

    organisation: str = Field("", max_length=64)
    username: str = Field("", max_length=150)
    expires_at: datetime | None = None


class ShareOut(Schema):
    """A share."""

    id: int
    document_id: int
    organisation_id: int | None
    user_id: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class CommentIn(Schema):
    """A comment's text."""

    body: str = Field(..., min_length=1, max_length=4000)


class CommentOut(Schema):
    """A comment."""

    id: int
    author_id: int
    body: str
    created_at: datetime


class SearchQuery(Schema):
    """Words to find (every word must match; diacritics and English endings are ignored)."""

    q: str = Field(..., min_length=1, max_length=200)


class DownloadQuery(Schema):
    """Which version, and whether to stamp a visible watermark."""

    version: int | None = Field(None, ge=1)
    watermark: bool = False


class HoldIn(Schema):
    """Why the document must be kept."""

    reason: str = Field(..., min_length=1, max_length=300)


class HoldOut(Schema):
    """A legal hold."""

    id: int
    document_id: int
    reason: str
    placed_at: datetime
    released_at: datetime | None


class DisposeIn(Schema):
    """Why the document is disposed of now."""

    reason: str = Field(..., min_length=1, max_length=200)


class DisposalOut(Schema):
    """What a disposal destroyed (key ids of the shredded data keys; blob names are not shown)."""

    id: int
    document_id: int
    disposed_at: datetime
    version_key_ids: list[str]
