"""API schemas for threat intelligence (one in/out shape per operation)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class CollectionOut(Schema):
    """A collection (sharing group) the caller may read."""

    id: UUID = Field(alias="uuid", description="the TAXII 2.1 collection id")
    title: str
    description: str
    default_tlp: str = Field(description="TLP given to objects that carry no TLP marking")
    created_at: datetime


class ImportOut(Schema):
    """What an import did: objects added, already present (same id and modified) and refused."""

    added: int
    duplicates: int
    failures: list[dict[str, str]] = Field(description="refused objects: id and reason")
