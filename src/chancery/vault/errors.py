"""The vault's own domain errors."""

from __future__ import annotations

from chancery.platform.errors import DomainError


class IntegrityFailure(DomainError):
    """A stored blob or its wrapped key is not what was written: the download is refused."""

    status = 500
    slug = "integrity-error"
    title = "Integrity check failed"


class RecentMfaRequired(DomainError):
    """Downloading this document needs a second-factor check in the last few minutes."""

    status = 403
    slug = "mfa-required"
    title = "Recent two-factor check required"
