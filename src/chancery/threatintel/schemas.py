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


class CollectionIn(Schema):
    """A new collection (sharing group); it has no partner until members are set."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    default_tlp: str = Field("AMBER", description="TLP of unmarked objects: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")


class MemberIn(Schema):
    """A partner organisation's access to a collection; both false removes the membership."""

    can_read: bool = True
    can_write: bool = False


class MemberOut(Schema):
    """A partner organisation that is a member of a collection."""

    organisation: int = Field(alias="organisation_id")
    code: str = Field(alias="organisation.code")
    can_read: bool
    can_write: bool


class FeedIn(Schema):
    """A partner's TAXII 2.1 collection to pull on a schedule into a local collection."""

    name: str = Field(min_length=1, max_length=200)
    collection_url: str = Field(max_length=500, description="the partner's TAXII collection URL (http or https)")
    token: str = Field("", max_length=500, description="bearer token for the partner's server (stored encrypted)")
    partner: int = Field(description="the partner organisation's id")
    target: UUID = Field(description="TAXII id of the local collection the objects go into")


class FeedOut(Schema):
    """A partner feed (its token is never shown)."""

    id: int
    name: str
    collection_url: str
    partner: int = Field(alias="partner_id")
    target: UUID = Field(alias="target.uuid")
    is_active: bool
    added_after: str = Field(description="the TAXII date added the next pull starts after")
    last_pulled_at: datetime | None
    last_error: str


class PullOut(Schema):
    """What a pull brought: object versions added, and the feed afterwards (``last_error`` on failure)."""

    added: int
    feed: FeedOut
