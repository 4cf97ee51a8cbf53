"""The threat-intelligence API (mounted at ``/api/v1/threatintel``): collections, members, bundles, feeds.

Partners exchange objects over TAXII 2.1 at ``/taxii2/``; this API is for Chancery's own staff and tools.
Handlers are thin: they call one selector or service and serialise.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Body, Router, Status

from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.threatintel import feeds, selectors, services
from chancery.threatintel.models import Collection, Membership, PartnerFeed
from chancery.threatintel.schemas import (
    CollectionIn,
    CollectionOut,
    FeedIn,
    FeedOut,
    ImportOut,
    MemberIn,
    MemberOut,
    PullOut,
)

router = Router(tags=["threatintel"])

ERRORS: dict[int, Any] = {**PROBLEM_RESPONSES, 404: Problem}


@router.get("/collections", response={200: list[CollectionOut], **ERRORS}, operation_id="threatintel_collection_list")
@paginated
def collection_list(request: HttpRequest) -> QuerySet[Collection]:
    """List the collections the caller may read."""
    return selectors.collection_list(actor=request_actor(request))


@router.get(
    "/collections/{collection_id}/bundle",
    response={200: dict[str, Any], **ERRORS},
    operation_id="threatintel_bundle_export",
)
def bundle_export(request: HttpRequest, collection_id: UUID) -> dict[str, Any]:
    """Export the latest version of every object the caller may read as a STIX 2.1 bundle."""
    actor = request_actor(request)
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    return selectors.bundle_export(actor=actor, collection=found)


@router.post(
    "/collections/{collection_id}/bundle",
    response={200: ImportOut, **ERRORS},
    operation_id="threatintel_bundle_import",
)
def bundle_import(request: HttpRequest, collection_id: UUID, bundle: Body[dict[str, Any]]) -> dict[str, Any]:
    """Import a STIX 2.1 bundle: each object is validated, de-duplicated and stamped with its provenance."""
    actor = request_actor(request)
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    result = services.bundle_import(actor=actor, collection=found, data=json.dumps(bundle).encode())
    return {"added": len(result.added), "duplicates": len(result.duplicates), "failures": result.failures}


@router.post("/collections", response={201: CollectionOut, **ERRORS}, operation_id="threatintel_collection_create")
def collection_create(request: HttpRequest, payload: CollectionIn) -> Status[Collection]:
    """Create a collection (sharing group) with no partner yet (administrators and security officers)."""
    created = services.collection_create(
        actor=request_actor(request),
        title=payload.title,
        description=payload.description,
        default_tlp=payload.default_tlp,
    )
    return Status(201, created)


@router.get(
    "/collections/{collection_id}/members",
    response={200: list[MemberOut], **ERRORS},
    operation_id="threatintel_member_list",
)
def member_list(request: HttpRequest, collection_id: UUID) -> QuerySet[Membership]:
    """List the partner organisations that share the collection, with their read and write access."""
    actor = request_actor(request)
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    return selectors.membership_list(actor=actor, collection=found)


@router.put(
    "/collections/{collection_id}/members/{organisation_id}",
    response={200: list[MemberOut], **ERRORS},
    operation_id="threatintel_member_set",
)
def member_set(
    request: HttpRequest, collection_id: UUID, organisation_id: int, payload: MemberIn
) -> QuerySet[Membership]:
    """Give a partner organisation read and/or write access (both false removes it); answers the members."""
    actor = request_actor(request)
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    services.collection_member_set(
        actor=actor,
        collection=found,
        organisation_id=organisation_id,
        can_read=payload.can_read,
        can_write=payload.can_write,
    )
    return selectors.membership_list(actor=actor, collection=found)


@router.get("/feeds", response={200: list[FeedOut], **ERRORS}, operation_id="threatintel_feed_list")
def feed_list(request: HttpRequest) -> QuerySet[PartnerFeed]:
    """List the partner feeds Chancery pulls from (managers; an empty list for others)."""
    return selectors.feed_list(actor=request_actor(request))


@router.post("/feeds", response={201: FeedOut, **ERRORS}, operation_id="threatintel_feed_create")
def feed_create(request: HttpRequest, payload: FeedIn) -> Status[PartnerFeed]:
    """Configure a partner's TAXII 2.1 collection to pull on a schedule into a local collection."""
    actor = request_actor(request)
    target = selectors.collection_get(actor=actor, collection_id=payload.target)
    created = feeds.feed_create(
        actor=actor,
        name=payload.name,
        collection_url=payload.collection_url,
        token=payload.token,
        partner_id=payload.partner,
        target=target,
    )
    return Status(201, created)


@router.post("/feeds/{feed_id}/pull", response={200: PullOut, **ERRORS}, operation_id="threatintel_feed_pull")
def feed_pull(request: HttpRequest, feed_id: int) -> dict[str, Any]:
    """Pull a feed now; a failure of the partner's server is recorded on the feed (``last_error``), not raised."""
    actor = request_actor(request)
    feed = selectors.feed_get(actor=actor, feed_id=feed_id)
    added = feeds.feed_pull(actor=actor, feed=feed)
    return {"added": added, "feed": feed}
