"""The signed-in actor's own profile, as ``GET /api/v1/me`` shows it."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import NotAuthenticated


@dataclass(frozen=True, slots=True)
class OrganisationRef:
    """The organisation a user belongs to (codes and names only)."""

    id: int
    code: str
    kind: str
    name_en: str
    name_vi: str


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the actor is: username, role, clearance, organisation and (for a token) its scopes."""

    username: str
    full_name: str
    role: str
    role_label: str
    clearance: int
    clearance_label: str
    organisation: OrganisationRef | None
    scopes: list[str] | None
    token_id: int | None


def user_profile_read(*, actor: Actor) -> Profile:
    """Return the actor's own profile (any authenticated user or token may read it; emits nothing)."""
    if actor.user_id is None:
        raise NotAuthenticated
    user = User.objects.select_related("organisation").filter(pk=actor.user_id, is_active=True).first()
    if user is None:
        raise NotAuthenticated
    organisation = user.organisation
    return Profile(
        username=user.get_username(),
        full_name=user.get_full_name(),
        role=user.role,
        role_label=str(Role(user.role).label) if user.role in Role.values else user.role,
        clearance=user.clearance,
        clearance_label=str(Classification(user.clearance).label)
        if user.clearance in Classification.values
        else str(user.clearance),
        organisation=OrganisationRef(
            id=organisation.pk,
            code=organisation.code,
            kind=organisation.kind,
            name_en=organisation.name_en,
            name_vi=organisation.name_vi,
        )
        if organisation is not None
        else None,
        scopes=sorted(actor.scopes) if actor.scopes is not None else None,
        token_id=actor.token_id,
    )
