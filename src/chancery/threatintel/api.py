"""The threat-intelligence API (mounted at ``/api/v1/threatintel``): collections, bundle export and import.

Partners exchange objects over TAXII 2.1 at ``/taxii2/``; this API is for Chancery's own staff and tools.
Handlers are thin: they call one selector or service and serialise.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Body, Router

from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import PROBLEM_RESPONSES, Problem
from chancery.threatintel import selectors, services
from chancery.threatintel.models import Collection
from chancery.threatintel.schemas import CollectionOut, ImportOut

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
