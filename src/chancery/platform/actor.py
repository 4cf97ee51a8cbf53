"""The actor: who is asking, as every service, selector and policy rule sees them.

Views, API handlers, CLI commands and tasks build an :class:`Actor` once and pass it explicitly, so
that a rule never reads ``request`` and a task runs with exactly the rights it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chancery.platform.enums import Classification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chancery.identity.models import User


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated principal with its role, clearance, organisation and need-to-know tags.

    ``scopes`` is ``None`` for a full session; an API token narrows it to the scopes it was issued
    with. ``client_ip`` is recorded in audit events and never used for decisions.
    """

    user_id: int | None
    username: str
    role: str
    clearance: int
    organisation_id: int | None
    organisation_kind: str = ""
    compartments: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] | None = None
    token_id: int | None = None
    client_ip: str | None = None
    is_system: bool = False

    @property
    def is_authenticated(self) -> bool:
        """True for a signed-in user or the system actor."""
        return self.user_id is not None or self.is_system

    @property
    def is_external(self) -> bool:
        """True for partner ministries and international organisations' users."""
        return self.role == "partner"

    def cleared_for(self, level: int) -> bool:
        """True when the actor's clearance reaches ``level``."""
        return self.clearance >= level

    def has_compartments(self, required: frozenset[str] | set[str]) -> bool:
        """True when the actor holds every need-to-know tag in ``required``."""
        return set(required) <= self.compartments

    def has_scope(self, scope: str) -> bool:
        """True when the session is unrestricted or the token carries ``scope``."""
        return self.scopes is None or scope in self.scopes

    @classmethod
    def from_user(
        cls,
        user: User | AnonymousUser | None,
        *,
        client_ip: str | None = None,
        scopes: frozenset[str] | None = None,
        token_id: int | None = None,
    ) -> Actor:
        """Build the actor for ``user`` (anonymous users become :data:`ANONYMOUS`)."""
        from django.contrib.auth.models import AnonymousUser

        if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
            return ANONYMOUS if client_ip is None else cls.anonymous(client_ip=client_ip)
        organisation = user.organisation
        return cls(
            user_id=user.pk,
            username=user.get_username(),
            role=user.role,
            clearance=user.clearance,
            organisation_id=user.organisation_id,
            organisation_kind=organisation.kind if organisation is not None else "",
            compartments=frozenset(user.compartments.values_list("code", flat=True)),
            scopes=scopes,
            token_id=token_id,
            client_ip=client_ip,
        )

    @classmethod
    def anonymous(cls, *, client_ip: str | None = None) -> Actor:
        """Return an unauthenticated actor (every rule refuses it by default)."""
        return cls(user_id=None, username="", role="", clearance=-1, organisation_id=None, client_ip=client_ip)

    @classmethod
    def system(cls, *, purpose: str) -> Actor:
        """Return the actor for scheduled work; ``purpose`` names the task in audit events."""
        return cls(
            user_id=None,
            username=f"system:{purpose}",
            role="system",
            clearance=int(Classification.TOP_SECRET),
            organisation_id=None,
            is_system=True,
        )


ANONYMOUS = Actor.anonymous()
