"""``ChanceryAPI``: a NinjaAPI with Chancery's authentication, rate limit, errors and local docs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from chancery.platform.api.auth import SessionAuth, TokenAuth
from chancery.platform.api.guard import problem_guard
from chancery.platform.api.handlers import install_problem_handlers
from chancery.platform.api.openapi import openapi_finish
from chancery.platform.api.ratelimit import PerTokenRateLimit

DESCRIPTION = """\
The typed JSON API of Chancery.

Authenticate with a personal API token (`Authorization: Bearer chy_…`, created under *Security settings →
API tokens*) or with the signed-in browser session (unsafe methods then need the `X-CSRFToken` header).
A token's scopes (`<domain>:<read|write|admin>`) narrow what it may do. Every error is an RFC 9457
problem (`application/problem+json`); each token (or client address, for sessions) has a rate limit per
minute; list endpoints are paginated with `limit` and `offset` and link the next and previous pages.
"""


class SignedInSwagger(Swagger):
    """Swagger UI served from the bundled static files (no CDN), to signed-in users only."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Render the docs page, or send an anonymous visitor to the sign-in page."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().render_page(request, api, **kwargs)


class ChanceryAPI(NinjaAPI):
    """The API with token and session authentication, the rate limit and problem+json errors."""

    def __init__(self, *, urls_namespace: str = "api", **kwargs: Any) -> None:
        kwargs.setdefault("title", "Chancery API")
        kwargs.setdefault("version", "1")
        kwargs.setdefault("description", DESCRIPTION)
        kwargs.setdefault("docs", SignedInSwagger(settings={"validatorUrl": None}))
        super().__init__(
            urls_namespace=urls_namespace,
            auth=[TokenAuth(), SessionAuth()],
            throttle=[PerTokenRateLimit()],
            **kwargs,
        )

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """Return Ninja's OpenAPI 3.1 document with the shared problem+json errors documented."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi_finish(document)
        return document

    def set_default_exception_handlers(self) -> None:
        """Answer every error with problem+json instead of Ninja's defaults."""
        install_problem_handlers(self)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        """Return Ninja's URL patterns with every view wrapped by :func:`problem_guard`."""
        guarded: list[URLResolver | URLPattern] = []
        for entry in super()._get_urls():
            if isinstance(entry, URLPattern):
                guarded.append(URLPattern(entry.pattern, problem_guard(entry.callback), entry.default_args, entry.name))
            else:
                guarded.append(entry)
        return guarded
