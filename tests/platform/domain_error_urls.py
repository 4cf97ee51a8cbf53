"""A URLconf adding pages and API operations that raise domain errors to the real ones (middleware tests)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from ninja import Router

from chancery.config import urls as chancery_urls
from chancery.platform.api.auth import request_actor
from chancery.platform.api.setup import ChanceryAPI
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied

handler403 = chancery_urls.handler403
handler404 = chancery_urls.handler404

RAISED: dict[str, Callable[[], Exception]] = {
    "missing": lambda: NotFound("No such cable."),
    "refused": lambda: PermissionDenied("Only the drafter may release this cable."),
    "http404": lambda: Http404("No such cable."),
    "invalid": lambda: InvalidInput("The subject is empty."),
    "broken": lambda: ValueError("a bug"),
}
"""What each test page or operation raises, by the ``kind`` in its URL."""


def raising_page(request: HttpRequest, kind: str) -> HttpResponse:
    """A plain Django view that raises the error named by ``kind``."""
    raise RAISED[kind]()


router = Router()


@router.get("/{kind}")
def raising_operation(request: HttpRequest, kind: str) -> None:
    """An API operation that authenticates, then raises the error named by ``kind``."""
    request_actor(request)
    raise RAISED[kind]()


test_api = ChanceryAPI(urls_namespace="api-domain-errors", docs_url=None, openapi_url=None)
test_api.add_router("", router)

urlpatterns = [
    path("domain-errors/<str:kind>/", raising_page),
    path("api/plain-view/<str:kind>/", raising_page),
    path("api/domain-errors/", test_api.urls),
    *chancery_urls.urlpatterns,
]
