"""Policy rules for personal API tokens.

Anyone signed in with a full session may create tokens for themselves and list them; a token can never
mint or list tokens (its actor carries ``token_id``). A token is revoked by its owner, or by an
administrator or security officer (a compromised token must be stoppable without its owner).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chancery.identity.enums import Role
from chancery.platform import access
from chancery.platform.actor import Actor

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chancery.identity.models import ApiToken

TOKEN_ADMIN_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_OFFICER})


def _session_user(actor: Actor) -> bool:
    return actor.user_id is not None and actor.token_id is None and not actor.is_system


@access.rule("identity.token_create", scope="admin")
def can_create_token(actor: Actor, _obj: object | None) -> bool:
    """A signed-in user (full session, not a token) may create tokens for themselves."""
    return _session_user(actor)


@access.rule("identity.token_list", scope="admin")
def can_list_tokens(actor: Actor, _obj: object | None) -> bool:
    """A signed-in user (full session) may list their own tokens."""
    return _session_user(actor)


@access.visibility("identity.token_list")
def visible_tokens(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Only the actor's own tokens."""
    if not _session_user(actor):
        return queryset.none()
    return queryset.filter(user_id=actor.user_id)


@access.rule("identity.token_revoke", scope="admin", hide_on_deny=True)
def can_revoke_token(actor: Actor, token: ApiToken | None) -> bool:
    """The owner (full session), or an administrator or security officer, revokes a token."""
    if not _session_user(actor):
        return False
    if actor.role in TOKEN_ADMIN_ROLES:
        return True
    return token is None or token.user_id == actor.user_id
