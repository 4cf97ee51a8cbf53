"""Request helpers shared by the vault's pages and API: MFA recency and streamed downloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO, Any, cast
from urllib.parse import quote

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, StreamingHttpResponse

from chancery.vault.services import Download, Upload


def mfa_verified_at(request: HttpRequest) -> datetime | None:
    """Return when this session last passed a second-factor check (None for tokens and password-only)."""
    if getattr(request, "session", None) is None or not getattr(request.user, "is_authenticated", False):
        return None
    from allauth.account.authentication import get_authentication_records

    times = [
        float(record["at"])
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "mfa" and isinstance(record.get("at"), int | float)
    ]
    return datetime.fromtimestamp(max(times), tz=UTC) if times else None


def download_response(download: Download) -> StreamingHttpResponse:
    """Stream a verified download as an attachment (never rendered inline, never sniffed)."""
    response = StreamingHttpResponse(download.chunks, content_type=download.mime_type)
    ascii_name = download.filename.encode("ascii", errors="replace").decode("ascii").replace('"', "_")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download.filename)}"
    )
    if download.size is not None:
        response["Content-Length"] = str(download.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def upload_of(uploaded: UploadedFile[Any]) -> Upload:
    """Return the service's view of a Django upload (seekable; large ones are already on disk)."""
    return Upload(
        file=cast("IO[bytes]", uploaded),
        name=uploaded.name or "",
        content_type=uploaded.content_type or "",
        size=uploaded.size or 0,
    )
