"""Typed connector errors (pure: no Django). ``transient`` errors are retried with backoff."""

from __future__ import annotations


class ConnectorError(Exception):
    """A platform call failed; ``message`` is safe to show and to audit (never a credential or post text)."""

    transient = False
    code = "connector_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(ConnectorError):
    """HTTP 429: the platform asks to wait ``retry_after`` seconds (from ``Retry-After``) before retrying."""

    transient = True
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformUnavailable(ConnectorError):
    """HTTP 5xx: the platform is failing; retried later."""

    transient = True
    code = "unavailable"


class ConnectionFailed(ConnectorError):
    """Time-out or broken connection: the outcome is unknown, so a retry must be idempotent."""

    transient = True
    code = "connection_failed"


class MalformedResponse(ConnectorError):
    """The platform answered with something that is not the documented JSON; retried later."""

    transient = True
    code = "malformed_response"


class CredentialsRejected(ConnectorError):
    """HTTP 401 (or an expired/invalid token): the account's credentials were revoked; not retried."""

    code = "credentials_rejected"


class Rejected(ConnectorError):
    """The platform refused the post (another 4xx, e.g. over its limit); not retried."""

    code = "rejected"


class NotImplementedConnector(ConnectorError):
    """No publishing connector exists for this platform yet (X, Facebook)."""

    code = "not_implemented"
