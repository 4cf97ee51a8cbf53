"""Policy rules for identity: unlocking accounts and changing a user's role, clearance and compartments.

Administrators act on every account. Security officers unlock accounts and change clearances within
their own organisation and the units under it (the ministry's officers therefore cover every mission);
they never change roles or compartments. Nobody changes their own authorisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chancery.identity.enums import Role
from chancery.platform import access
from chancery.platform.actor import Actor

if TYPE_CHECKING:
    from chancery.identity.models import MfaResetRequest, User

MAX_ORGANISATION_DEPTH = 16


@dataclass(frozen=True, slots=True)
class LockTarget:
    """A locked sign-in name and the account it belongs to (None when no such account exists)."""

    username: str
    user: User | None


def _within_actor_organisation(actor: Actor, user: User) -> bool:
    """True when ``user`` belongs to the actor's organisation or a unit below it."""
    if actor.organisation_id is None:
        return False
    organisation = user.organisation
    for _depth in range(MAX_ORGANISATION_DEPTH):
        if organisation is None:
            return False
        if organisation.pk == actor.organisation_id:
            return True
        organisation = organisation.parent
    return False


@access.rule("identity.unlock", scope="admin")
def can_unlock(actor: Actor, target: LockTarget | None) -> bool:
    """Administrators unlock any account; security officers unlock accounts within their organisation."""
    if actor.role == Role.ADMINISTRATOR:
        return True
    if actor.role != Role.SECURITY_OFFICER:
        return False
    if target is None:
        return True  # may open the list; each row is checked on its own
    if target.user is None:
        return False  # a locked name with no account: only administrators see and clear those
    return _within_actor_organisation(actor, target.user)


@access.rule("identity.manage_users", scope="admin")
def can_manage_users(actor: Actor, user: User | None) -> bool:
    """Administrators change roles, clearances and compartments of any account but their own."""
    if actor.role != Role.ADMINISTRATOR:
        return False
    return user is None or user.pk != actor.user_id


@access.rule("identity.change_clearance", scope="admin")
def can_change_clearance(actor: Actor, user: User | None) -> bool:
    """Administrators, and security officers within their organisation, change clearances (not their own)."""
    if user is not None and user.pk == actor.user_id:
        return False
    if actor.role == Role.ADMINISTRATOR:
        return True
    if actor.role != Role.SECURITY_OFFICER:
        return False
    return user is None or _within_actor_organisation(actor, user)


OFFICER_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_OFFICER})


def _officer_over(actor: Actor, user: User | None) -> bool:
    """Administrators over anyone else; security officers over others within their organisation."""
    if actor.role not in OFFICER_ROLES:
        return False
    if user is None:
        return True  # may open the page or list; each account is checked on its own
    if user.pk == actor.user_id:
        return False
    if actor.role == Role.ADMINISTRATOR:
        return True
    return _within_actor_organisation(actor, user)


@access.rule("identity.end_sessions", scope="admin")
def can_end_sessions(actor: Actor, user: User | None) -> bool:
    """Administrators end any other user's sessions; security officers those of users within their organisation.

    Nobody ends their own sessions this way (the own-sessions page does that, after re-authentication).
    """
    return _officer_over(actor, user)


@access.rule("identity.end_all_sessions", scope="admin")
def can_end_all_sessions(actor: Actor, _obj: object | None) -> bool:
    """Administrators and security officers may end every session they could end one by one, except their own."""
    return actor.role in OFFICER_ROLES and actor.user_id is not None


@access.rule("identity.reset_password", scope="admin")
def can_reset_password(actor: Actor, user: User | None) -> bool:
    """Administrators reset anyone else's password; security officers those of ordinary users in their organisation.

    A security officer never resets an administrator's or another officer's password (that would let one
    officer take over a more powerful account). The command line (an operator on the server) may reset.
    """
    if actor.is_system:
        return True
    if user is not None and actor.role == Role.SECURITY_OFFICER and (user.role in OFFICER_ROLES or user.is_superuser):
        return False
    return _officer_over(actor, user)


@access.rule("identity.request_mfa_reset", scope="admin")
def can_request_mfa_reset(actor: Actor, user: User | None) -> bool:
    """Administrators and security officers (within their organisation) file a second-factor reset request."""
    return _officer_over(actor, user)


@access.rule("identity.approve_mfa_reset", scope="admin")
def can_approve_mfa_reset(actor: Actor, request: MfaResetRequest | None) -> bool:
    """A second officer approves: not the requester, not the account's owner, and over the account."""
    if actor.role not in OFFICER_ROLES:
        return False
    if request is None:
        return True
    if request.requested_by_id == actor.user_id:
        return False
    return _officer_over(actor, request.user)


# The API-token rules live beside the token services; importing them here registers them at start-up.
from chancery.identity import token_permissions  # noqa: E402, F401
