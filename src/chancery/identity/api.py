"""``GET /api/v1/me`` (who the caller is) and officers' account actions under ``/api/v1/identity/``."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from chancery.identity import services
from chancery.identity.profile import Profile, user_profile_read
from chancery.identity.reauth import recent_authentication_require
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


ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}


class SessionsEndedOut(Schema):
    """How many sessions were ended."""

    ended: int


class TemporaryPasswordOut(Schema):
    """A one-time password (shown once) and when it stops working."""

    username: str
    password: str
    expires_at: datetime


@router.post(
    "/identity/users/{user_id}/sessions/end",
    response={200: SessionsEndedOut, **ERRORS},
    operation_id="identity_user_sessions_end",
)
def user_sessions_end(request: HttpRequest, user_id: int) -> SessionsEndedOut:
    """End every session of one user (administrators; security officers within their organisation)."""
    actor = request_actor(request)
    recent_authentication_require(request, actor=actor)
    return SessionsEndedOut(ended=services.user_sessions_end(actor=actor, user_id=user_id))


@router.post(
    "/identity/sessions/end-all", response={200: SessionsEndedOut, **ERRORS}, operation_id="identity_sessions_end_all"
)
def sessions_end_all(request: HttpRequest) -> SessionsEndedOut:
    """End every session of every account the caller looks after, except the caller's own."""
    actor = request_actor(request)
    recent_authentication_require(request, actor=actor)
    return SessionsEndedOut(ended=services.all_sessions_end(actor=actor))


@router.post(
    "/identity/users/{user_id}/password/reset",
    response={200: TemporaryPasswordOut, **ERRORS},
    operation_id="identity_user_password_reset",
)
def user_password_reset(request: HttpRequest, user_id: int) -> services.TemporaryPassword:
    """Set a random one-time password for a user (kept second factors; change forced at next sign-in)."""
    actor = request_actor(request)
    recent_authentication_require(request, actor=actor)
    return services.user_password_reset(actor=actor, user_id=user_id)
