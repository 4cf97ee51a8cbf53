"""Limit/offset pagination answering ``items``, ``count`` and ``next``/``previous`` links.

The page size defaults to ``NINJA_PAGINATION_PER_PAGE`` and may not exceed ``NINJA_PAGINATION_MAX_LIMIT``
(a larger ``limit`` is a 422). Links are relative URLs that keep every other query parameter.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

DEFAULT_LIMIT: int = int(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50))
MAX_LIMIT: int = int(getattr(settings, "NINJA_PAGINATION_MAX_LIMIT", 200))


def page_link(request: HttpRequest, *, limit: int, offset: int) -> str:
    """Return ``request``'s path with ``limit`` and ``offset`` replaced in its query string."""
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return f"{request.path}?{query.urlencode()}"


class LinkedLimitOffsetPagination(PaginationBase):
    """Slice a queryset by ``limit``/``offset`` and link the neighbouring pages."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, description="Items to skip.")

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(None, description="Relative URL of the next page, if any.")
        previous: str | None = Field(None, description="Relative URL of the previous page, if any.")

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        """Return the page of ``queryset`` selected by ``pagination`` with its count and links."""
        limit, offset = pagination.limit, pagination.offset
        count = self._items_count(queryset)
        items = list(queryset[offset : offset + limit])
        following = offset + limit
        return {
            "items": items,
            "count": count,
            "next": page_link(request, limit=limit, offset=following) if following < count else None,
            "previous": page_link(request, limit=limit, offset=max(0, offset - limit)) if offset > 0 else None,
        }


def paginated[F: Callable[..., Any]](view: F) -> F:
    """Paginate ``view`` with :class:`LinkedLimitOffsetPagination`.

    Unlike bare ``ninja.pagination.paginate``, this works in modules using
    ``from __future__ import annotations``: the view's string annotations are resolved in the view's own
    module first (Ninja would resolve them in ``ninja.pagination``'s namespace and fail).
    """
    view.__annotations__ = typing.get_type_hints(view, include_extras=True)
    wrapped: F = paginate(LinkedLimitOffsetPagination)(view)
    return wrapped
