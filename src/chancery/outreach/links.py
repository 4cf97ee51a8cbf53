"""Signed approval links for an outside approver: the token format and why a link no longer works.

A token is ``django.core.signing`` output under its own salt, naming one :class:`ApprovalLink` and its
post, timestamped (refused after :data:`MAX_VALIDITY` whatever the row says). The row holds the rest of
the purpose: the step, the SHA-256 of both texts when it was issued, the expiry and the decision.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.outreach.content import version_sha256
from chancery.outreach.enums import PostState
from chancery.outreach.models import ApprovalLink
from chancery.outreach.workflow import current_step

SALT = "chancery.outreach.approval-link"
MAX_VALIDITY = timedelta(days=14)
DEFAULT_VALIDITY = timedelta(days=3)


def link_token(link: ApprovalLink) -> str:
    """Return the signed token for ``link`` (shown once to the issuer; never stored)."""
    return signing.dumps({"l": link.pk, "p": link.post_id}, salt=SALT, compress=True)


def link_id_from(token: str) -> int | None:
    """Return the link id a token names, or None for a forged, altered, foreign or too old token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_VALIDITY)
        return int(data["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def link_void_reason(link: ApprovalLink) -> str:
    """Return why ``link`` can no longer be used (translated), or "" while it is valid."""
    post = link.post
    if link.used_at is not None:
        return _("This link has already been used.")
    if timezone.now() >= link.expires_at:
        return _("This link has expired.")
    if link.text_sha256_vi != version_sha256(post, "vi") or link.text_sha256_en != version_sha256(post, "en"):
        return _("The text has changed since this link was sent; ask for a new link.")
    if post.state != PostState.IN_APPROVAL:
        return _("This post is no longer waiting for approval.")
    step = current_step(post)
    if step is None or step.pk != link.step_id:
        return _("This approval step is already complete.")
    return ""
