"""``/api/v1/vault``: documents, versions, downloads, shares, comments and search."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from chancery.platform.api.auth import request_actor
from chancery.platform.api.pagination import paginated
from chancery.platform.api.problems import Problem
from chancery.vault import retention, search, selectors, services
from chancery.vault.http import download_response, mfa_verified_at, upload_of
from chancery.vault.models import DisposalRecord, Document, DocumentVersion, LegalHold, Share
from chancery.vault.schemas import (
    CommentIn,
    CommentOut,
    DisposalOut,
    DisposeIn,
    DocumentIn,
    DocumentOut,
    DownloadQuery,
    HoldIn,
    HoldOut,
    SearchQuery,
    ShareIn,
    ShareOut,
    VersionOut,
)

router = Router(tags=["vault"])
READ = {401: Problem, 403: Problem, 404: Problem, 429: Problem}
WRITE = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem, 429: Problem}


@router.get("/documents", response={200: list[DocumentOut], **READ}, operation_id="vault_documents_list")
@paginated
def documents(request: HttpRequest) -> QuerySet[Document]:
    """List the documents you may see, most recently changed first (scope ``vault:read``)."""
    return selectors.document_list(actor=request_actor(request))


@router.get("/search", response={200: list[DocumentOut], **READ, 422: Problem}, operation_id="vault_search")
@paginated
def search_documents(request: HttpRequest, query: Query[SearchQuery]) -> QuerySet[Document]:
    """Find documents containing every word of ``q`` among those you may see, newest first, at most 1,000."""
    return search.document_search_queryset(actor=request_actor(request), query=query.q).prefetch_related("compartments")


@router.post("/documents", response={201: DocumentOut, **WRITE}, operation_id="vault_document_upload")
def upload(request: HttpRequest, file: File[UploadedFile], metadata: Form[DocumentIn]) -> Status[Document]:
    """Upload a new document with its first version (multipart; scope ``vault:write``)."""
    document = services.document_upload(
        actor=request_actor(request), fields=metadata.to_fields(), upload=upload_of(file)
    )
    return Status(201, document)


@router.get("/documents/{document_id}", response={200: DocumentOut, **READ}, operation_id="vault_document_get")
def document(request: HttpRequest, document_id: int) -> Document:
    """Return a document's metadata (the read is audited)."""
    return services.document_open(actor=request_actor(request), document_id=document_id)


@router.get(
    "/documents/{document_id}/versions", response={200: list[VersionOut], **READ}, operation_id="vault_versions_list"
)
def versions(request: HttpRequest, document_id: int) -> QuerySet[DocumentVersion]:
    """List a document's versions, newest first."""
    actor = request_actor(request)
    return selectors.version_list(actor=actor, document=selectors.document_get(actor=actor, document_id=document_id))


@router.post(
    "/documents/{document_id}/versions", response={201: VersionOut, **WRITE}, operation_id="vault_version_upload"
)
def add_version(request: HttpRequest, document_id: int, file: File[UploadedFile]) -> Status[DocumentVersion]:
    """Upload a new version (owning unit or creator; ``vault:write``)."""
    return Status(
        201, services.version_upload(actor=request_actor(request), document_id=document_id, upload=upload_of(file))
    )


@router.post(
    "/documents/{document_id}/versions/{number}/restore",
    response={201: VersionOut, **WRITE},
    operation_id="vault_version_restore",
)
def restore(request: HttpRequest, document_id: int, number: int) -> Status[DocumentVersion]:
    """Make a copy of version ``number`` the newest version."""
    return Status(201, services.version_restore(actor=request_actor(request), document_id=document_id, number=number))


@router.get(
    "/documents/{document_id}/content",
    response={200: None, **READ, 422: Problem, 500: Problem},
    operation_id="vault_document_download",
)
def content(request: HttpRequest, document_id: int, query: Query[DownloadQuery]) -> StreamingHttpResponse:
    """Download a version's content, verified before the first byte (CONFIDENTIAL+: recent MFA, session only)."""
    download = services.document_download(
        actor=request_actor(request),
        document_id=document_id,
        number=query.version,
        mfa_verified_at=mfa_verified_at(request),
        watermark=query.watermark,
    )
    return download_response(download)


@router.post("/documents/{document_id}/shares", response={201: ShareOut, **WRITE}, operation_id="vault_share_create")
def share(request: HttpRequest, document_id: int, payload: ShareIn) -> Status[Share]:
    """Share a document with one organisation or one user (owning unit or creator)."""
    created = services.share_create(
        actor=request_actor(request),
        document_id=document_id,
        organisation_code=payload.organisation.strip(),
        username=payload.username.strip(),
        expires_at=payload.expires_at,
    )
    return Status(201, created)


@router.post("/shares/{share_id}/revoke", response={200: ShareOut, **WRITE}, operation_id="vault_share_revoke")
def revoke(request: HttpRequest, share_id: int) -> Share:
    """Revoke a share."""
    return services.share_revoke(actor=request_actor(request), share_id=share_id)


@router.post("/documents/{document_id}/comments", response={201: CommentOut, **WRITE}, operation_id="vault_comment_add")
def comment(request: HttpRequest, document_id: int, payload: CommentIn) -> Status[Any]:
    """Comment on a document you may read."""
    return Status(201, services.comment_add(actor=request_actor(request), document_id=document_id, body=payload.body))


@router.post("/documents/{document_id}/holds", response={201: HoldOut, **WRITE}, operation_id="vault_hold_place")
def hold_place(request: HttpRequest, document_id: int, payload: HoldIn) -> Status[LegalHold]:
    """Place a legal hold (security officers and administrators; scope ``vault:admin``)."""
    hold = retention.legal_hold_place(actor=request_actor(request), document_id=document_id, reason=payload.reason)
    return Status(201, hold)


@router.post("/holds/{hold_id}/release", response={200: HoldOut, **WRITE}, operation_id="vault_hold_release")
def hold_release(request: HttpRequest, hold_id: int) -> LegalHold:
    """Release a legal hold (``vault:admin``)."""
    return retention.legal_hold_release(actor=request_actor(request), hold_id=hold_id)


@router.post("/documents/{document_id}/dispose", response={201: DisposalOut, **WRITE}, operation_id="vault_dispose")
def dispose(request: HttpRequest, document_id: int, payload: DisposeIn) -> Status[DisposalRecord]:
    """Crypto-shred a document now (``vault:admin``; refused while a legal hold is in force)."""
    record = retention.document_dispose(actor=request_actor(request), document_id=document_id, reason=payload.reason)
    return Status(201, record)
