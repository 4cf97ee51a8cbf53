"""The TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5), mounted at ``/taxii2/``.

Every request carries a partner's (or an officer's) personal API token, ``Authorization: Bearer chy_…``,
with the ``threatintel:read`` scope (and ``threatintel:write`` to add objects). Responses use the media
type ``application/taxii+json;version=2.1``; errors are TAXII error messages (section 3.6.1). A
collection the caller may not read answers 404, as if it did not exist. The views only parse, call one
selector or service, and serialise.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import DomainError, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from chancery.platform.http import client_ip
from chancery.threatintel import selectors, services
from chancery.threatintel.models import Collection, StixObject, UploadStatus

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
MAX_CONTENT_LENGTH = services.MAX_BUNDLE_BYTES
API_ROOT = "ministry"

View = Callable[..., HttpResponse]


def stamp(value: datetime) -> str:
    """Return a STIX/TAXII timestamp (UTC, microseconds, ``Z``)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _response(document: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(document), status=status, content_type=MEDIA_TYPE)
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(status: int, title: str, description: str = "") -> HttpResponse:
    response = _response({"title": title, "description": description, "http_status": str(status)}, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="taxii"'
    return response


def _accepts_taxii(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    if not accept:
        return True
    for item in accept.split(","):
        tokens = [t.strip().lower() for t in item.split(";")]
        if tokens[0] in {"*/*", "application/*"}:
            return True
        if tokens[0] == "application/taxii+json" and all(t == "version=2.1" or t.startswith("q=") for t in tokens[1:]):
            return True
    return False


def _authenticate(request: HttpRequest) -> Actor:
    from chancery.identity.tokens import api_token_authenticate

    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticated
    return api_token_authenticate(
        actor=Actor.anonymous(client_ip=client_ip(request)),
        secret=secret.strip(),
        purpose=f"{request.method} {request.path}"[:200],
    )


def taxii_view(view: View) -> View:
    """Authenticate with a bearer token, check the Accept header and map domain errors to TAXII errors."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:  # noqa: PLR0911 - one per error
        try:
            actor = _authenticate(request)
            if not _accepts_taxii(request):
                return _error(406, _("Not acceptable"), MEDIA_TYPE)
            return view(request, actor, *args, **kwargs)
        except NotAuthenticated:
            return _error(401, _("Authentication required"), _("Send a valid API token as a bearer token."))
        except NotFound:
            return _error(404, _("Not found"))
        except PermissionDenied:
            return _error(403, _("Forbidden"))
        except InvalidInput as exc:
            fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in (exc.errors or {}).items())
            return _error(400, _("Bad request"), fields or str(exc))
        except DomainError as exc:
            return _error(400, _("Bad request"), str(exc))

    return wrapped


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("taxii:api_root"))


@require_http_methods(["GET"])
@taxii_view
def discovery(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Server discovery (section 4.1): the one API root."""
    root = _root_url(request)
    return _response(
        {
            "title": "Chancery TAXII 2.1",
            "description": _("Threat intelligence shared with partner ministries."),
            "default": root,
            "api_roots": [root],
        }
    )


@require_http_methods(["GET"])
@taxii_view
def api_root(request: HttpRequest, actor: Actor) -> HttpResponse:
    """API root information (section 4.2)."""
    return _response(
        {
            "title": "Chancery",
            "description": _("Collections shared with partner ministries."),
            "versions": [MEDIA_TYPE],
            "max_content_length": MAX_CONTENT_LENGTH,
        }
    )


def _collection_resource(actor: Actor, collection: Collection) -> dict[str, Any]:
    return {
        "id": str(collection.uuid),
        "title": collection.title,
        "description": collection.description,
        "can_read": access.can(actor, "threatintel.view", collection),
        "can_write": access.can(actor, "threatintel.add", collection),
        "media_types": [STIX_MEDIA_TYPE],
    }


@require_http_methods(["GET"])
@taxii_view
def collections(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Collections the caller may read (section 5.1); an empty resource when there are none."""
    items = [_collection_resource(actor, c) for c in selectors.collection_list(actor=actor)]
    return _response({"collections": items} if items else {})


@require_http_methods(["GET"])
@taxii_view
def collection(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    """One collection (section 5.2); 404 when it does not exist or the caller is not in it."""
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    return _response(_collection_resource(actor, found))


def _page_headers(page: selectors.ObjectPage) -> dict[str, str]:
    headers = {}
    if page.first_added is not None and page.last_added is not None:
        headers["X-TAXII-Date-Added-First"] = stamp(page.first_added)
        headers["X-TAXII-Date-Added-Last"] = stamp(page.last_added)
    return headers


def _envelope(page: selectors.ObjectPage, items: list[Any], key: str = "objects") -> dict[str, Any]:
    if not items:
        return {}
    document: dict[str, Any] = {"more": page.more, key: items}
    if page.more:
        document["next"] = page.next
    return document


def _page(
    request: HttpRequest, actor: Actor, collection_id: str, **extra: str
) -> tuple[Collection, selectors.ObjectPage]:
    found = selectors.collection_get(actor=actor, collection_id=collection_id)
    params: dict[str, str] = {key: str(value) for key, value in request.GET.items()} | extra
    return found, selectors.object_page(actor=actor, collection=found, filters=selectors.object_filter_parse(params))


def _status_resource(status: UploadStatus) -> dict[str, Any]:
    return {
        "id": str(status.uuid),
        "status": status.state,
        "request_timestamp": stamp(status.request_timestamp),
        "total_count": len(status.successes) + len(status.failures),
        "success_count": len(status.successes),
        "successes": status.successes,
        "failure_count": len(status.failures),
        "failures": status.failures,
        "pending_count": 0,
        "pendings": [],
    }


@require_http_methods(["GET", "POST"])
@taxii_view
def objects(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    """Get objects (section 5.3) with added_after, limit, next and match filters; add objects (5.4)."""
    if request.method == "POST":
        content_type = request.headers.get("Content-Type", "").replace(" ", "").lower()
        if content_type != MEDIA_TYPE:
            return _error(415, _("Unsupported media type"), MEDIA_TYPE)
        if len(request.body) > MAX_CONTENT_LENGTH:
            return _error(413, _("Too large"))
        try:
            envelope = json.loads(request.body)
        except (ValueError, RecursionError):
            raise InvalidInput(_("Bad request"), errors={"body": [_("This is not JSON.")]}) from None
        found = selectors.collection_get(actor=actor, collection_id=collection_id)
        status = services.taxii_upload(actor=actor, collection=found, envelope=envelope)
        return _response(_status_resource(status), status=202)
    found, page = _page(request, actor, collection_id)
    services.taxii_read_record(actor=actor, collection=found, served=len(page.objects))
    return _response(_envelope(page, [row.body for row in page.objects]), headers=_page_headers(page))


@require_http_methods(["GET", "DELETE"])
@taxii_view
def object_detail(request: HttpRequest, actor: Actor, collection_id: str, object_id: str) -> HttpResponse:
    """Get an object (section 5.5) or delete it (section 5.7); 404 when no version matches.

    Deleting needs write access (403 otherwise; a partner deletes only what its organisation added) and
    removes every version unless ``match[version]`` narrows it. It answers 200 with no body.
    """
    if request.method == "DELETE":
        found = selectors.collection_get(actor=actor, collection_id=collection_id)
        params = {key: str(value) for key, value in request.GET.items()}
        versions = selectors.object_filter_parse({"match[version]": params.get("match[version]", "all")}).versions
        services.stix_object_delete(actor=actor, collection=found, stix_id=object_id, versions=versions)
        response = HttpResponse(b"", status=200, content_type=MEDIA_TYPE)
        response["Cache-Control"] = "no-store"
        return response
    found, page = _page(request, actor, collection_id, **{"match[id]": object_id})
    if not page.objects:
        raise NotFound
    services.taxii_read_record(actor=actor, collection=found, served=len(page.objects))
    return _response(_envelope(page, [row.body for row in page.objects]), headers=_page_headers(page))


@require_http_methods(["GET"])
@taxii_view
def object_versions(request: HttpRequest, actor: Actor, collection_id: str, object_id: str) -> HttpResponse:
    """Get an object's versions (section 5.8): its ``modified`` stamps by date added, paginated.

    Takes ``added_after``, ``limit`` and ``next``; 404 when the object has no version the caller may read.
    """
    _found, page = _page(request, actor, collection_id, **{"match[id]": object_id, "match[version]": "all"})
    if not page.objects:
        raise NotFound
    return _response(
        _envelope(page, [row.version for row in page.objects], key="versions"), headers=_page_headers(page)
    )


def _manifest_record(row: StixObject) -> dict[str, Any]:
    return {
        "id": row.stix_id,
        "date_added": stamp(row.date_added),
        "version": row.version,
        "media_type": STIX_MEDIA_TYPE,
    }


@require_http_methods(["GET"])
@taxii_view
def manifest(request: HttpRequest, actor: Actor, collection_id: str) -> HttpResponse:
    """Get object manifests (section 5.6), filtered and paginated like the objects."""
    _found, page = _page(request, actor, collection_id)
    items = [_manifest_record(row) for row in page.objects]
    return _response(_envelope(page, items), headers=_page_headers(page))


@require_http_methods(["GET"])
@taxii_view
def status(request: HttpRequest, actor: Actor, status_id: str) -> HttpResponse:
    """Get a status resource (section 4.3): only to whoever uploaded it (or a manager)."""
    return _response(_status_resource(selectors.upload_status_get(actor=actor, status_id=status_id)))
