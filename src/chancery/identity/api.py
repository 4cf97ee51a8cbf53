"""``GET /api/v1/me``: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from chancery.identity.profile import Profile, user_profile_read
from chancery.platform.api.auth import request_actor
from chancery.platform.api.problems import Problem

router = Router(tags=["identity"])


class OrganisationOut(Schema):
    """The caller's organisation."""

    id: int
    code: str
    kind: str
    name_en: str
    name_vi: str


class MeOut(Schema):
    """The caller: username, role, clearance, organisation and, for a token, its scopes."""

    username: str
    full_name: str
    role: str
    role_label: str
    clearance: int
    clearance_label: str
    organisation: OrganisationOut | None
    scopes: list[str] | None
    token_id: int | None


@router.get("/me", response={200: MeOut, 401: Problem, 403: Problem, 429: Problem}, operation_id="me_read")
def me(request: HttpRequest) -> Profile:
    """Return the authenticated caller's identity (any valid token or session)."""
    return user_profile_read(actor=request_actor(request))
