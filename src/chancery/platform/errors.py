"""Domain errors. The API turns them into RFC 9457 problem+json; pages turn them into form messages."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """Base class for every error a service or selector raises on purpose.

    ``status`` is the HTTP status the API answers with, ``slug`` names the problem type
    (``/problems/<slug>``) and ``title`` is the short, translated summary of that type.
    """

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str = "", *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or str(self.title)
        self.errors = errors or {}


class InvalidInput(DomainError):
    """The request is well formed but its values are not acceptable."""

    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class NotAuthenticated(DomainError):
    """No valid session or token accompanied the request."""

    status = 401
    slug = "not-authenticated"
    title = "Authentication required"


class PermissionDenied(DomainError):
    """The policy engine refused the action."""

    status = 403
    slug = "permission-denied"
    title = "Permission denied"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""

    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    """The action conflicts with the object's current state."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class RateLimited(DomainError):
    """Too many requests for this token or client in the current window."""

    status = 429
    slug = "rate-limited"
    title = "Too many requests"
