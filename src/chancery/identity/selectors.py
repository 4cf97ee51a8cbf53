"""Identity reads: locked accounts and managed accounts for officers, and a user's own security overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db.models import Count, Q
from django.utils import timezone

from chancery.identity import lockout, recovery
from chancery.identity.models import MfaResetRequest, MfaResetStatus, User
from chancery.identity.permissions import LockTarget
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotAuthenticated, NotFound


@dataclass(frozen=True, slots=True)
class AuthenticatorSummary:
    """One of the user's second factors, without any secret."""

    kind: str
    label: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class SecurityOverview:
    """What the security settings page shows about the signed-in user."""

    mfa_required: bool
    mfa_enabled: bool
    authenticators: list[AuthenticatorSummary]
    recovery_codes_left: int | None


def locked_account_list(*, actor: Actor) -> list[lockout.LockedName]:
    """Return the locked sign-in names the actor may unlock (rule ``identity.unlock``), newest first.

    Raises PermissionDenied when the actor may not unlock accounts at all. Two queries whatever the count.
    """
    access.require(actor, "identity.unlock", None)
    names = lockout.locked_names()
    users = {
        user.username: user
        for user in User.objects.select_related("organisation__parent__parent").filter(
            username__in=[n.username for n in names]
        )
    }
    return [
        name
        for name in names
        if access.can(actor, "identity.unlock", LockTarget(username=name.username, user=users.get(name.username)))
    ]


def security_overview_get(*, actor: Actor) -> SecurityOverview:
    """Return the actor's own MFA status and authenticators (never their secrets).

    Needs: an authenticated, session-based actor (their own account only).
    """
    if actor.user_id is None:
        raise NotAuthenticated
    user = User.objects.get(pk=actor.user_id)
    summaries: list[AuthenticatorSummary] = []
    recovery_left: int | None = None
    for authenticator in Authenticator.objects.filter(user_id=user.pk).order_by("created_at"):
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            recovery_left = recovery.unused_count(authenticator)
            continue
        label = str(authenticator.data.get("name", "")) if authenticator.type == Authenticator.Type.WEBAUTHN else ""
        summaries.append(
            AuthenticatorSummary(
                kind=str(authenticator.get_type_display()),
                label=label,
                created_at=authenticator.created_at,
                last_used_at=authenticator.last_used_at,
            )
        )
    return SecurityOverview(
        mfa_required=user.mfa_required,
        mfa_enabled=bool(summaries),
        authenticators=summaries,
        recovery_codes_left=recovery_left,
    )


@dataclass(frozen=True, slots=True)
class MfaCoverageRow:
    """Active accounts in one group (a role, or a unit with its names) and how many have a second factor."""

    key: str
    name_en: str
    name_vi: str
    active: int
    with_mfa: int


def _mfa_rows(*fields: str) -> list[MfaCoverageRow]:
    with_factor = Authenticator.objects.exclude(type=Authenticator.Type.RECOVERY_CODES).values("user_id")
    rows = (
        User.objects.filter(is_active=True)
        .values(*fields)
        .annotate(active=Count("pk"), with_mfa=Count("pk", filter=Q(pk__in=with_factor)))
        .order_by(*fields)
    )
    names = fields[1:] or fields[:1]
    return [
        MfaCoverageRow(
            key=str(row[fields[0]] or ""),
            name_en=str(row[names[0]] or ""),
            name_vi=str(row[names[-1]] or ""),
            active=row["active"],
            with_mfa=row["with_mfa"],
        )
        for row in rows
    ]


def mfa_coverage_get(*, actor: Actor) -> tuple[list[MfaCoverageRow], list[MfaCoverageRow]]:
    """Return MFA coverage of active accounts by role and by unit.

    A second factor is TOTP or a security key; recovery codes alone do not count.

    Needs ``identity.unlock`` (the officers who look after account security); raises PermissionDenied
    otherwise. Two queries whatever the number of users. Emits nothing.
    """
    access.require(actor, "identity.unlock", None)
    by_unit = _mfa_rows("organisation_id", "organisation__name_en", "organisation__name_vi")
    return _mfa_rows("role"), by_unit


MANAGED_USERS_SHOWN = 50
ORGANISATION_PATH = "organisation__parent__parent"


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One signed-in session of an account: when it started and was last seen, and from where."""

    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class ManagedAccount:
    """What an officer sees of an account they look after (never a secret)."""

    user: User
    sessions: list[SessionSummary]
    factors: list[str]
    recovery_codes_left: int | None
    password_change_required: bool
    temporary_password_expires_at: datetime | None
    pending_mfa_reset: MfaResetRequest | None
    may_reset_password: bool
    may_request_mfa_reset: bool


def managed_user_list(*, actor: Actor, query: str = "") -> list[User]:
    """Return up to 50 active accounts whose sessions the actor may end, matching ``query`` (name or username).

    Needs rule ``identity.end_sessions`` (administrators; security officers within their organisation);
    raises PermissionDenied otherwise. One query (the organisation chain is joined). Emits nothing.
    """
    access.require(actor, "identity.end_sessions", None)
    users = User.objects.filter(is_active=True).exclude(pk=actor.user_id or 0).select_related(ORGANISATION_PATH)
    term = query.strip()
    if term:
        users = users.filter(Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term))
    found: list[User] = []
    for user in users.order_by("username").iterator(chunk_size=200):
        if access.can(actor, "identity.end_sessions", user):
            found.append(user)
            if len(found) >= MANAGED_USERS_SHOWN:
                break
    return found


def managed_user_get(*, actor: Actor, user_id: int) -> ManagedAccount:
    """Return an account's sessions, second factors and pending reset for an officer who looks after it.

    Needs rule ``identity.end_sessions`` on that account; raises NotFound for an unknown account and
    PermissionDenied otherwise. Emits nothing.
    """
    user = User.objects.select_related(ORGANISATION_PATH).filter(pk=user_id).first()
    if user is None:
        raise NotFound
    access.require(actor, "identity.end_sessions", user)
    sessions = [
        SessionSummary(created_at=row.created_at, last_seen_at=row.last_seen_at, ip=row.ip, user_agent=row.user_agent)
        for row in UserSession.objects.filter(
            user_id=user.pk,
            session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key"),
        )
    ]
    factors: list[str] = []
    recovery_left: int | None = None
    for authenticator in Authenticator.objects.filter(user_id=user.pk).order_by("created_at"):
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            recovery_left = recovery.unused_count(authenticator)
        else:
            factors.append(str(authenticator.get_type_display()))
    pending = (
        MfaResetRequest.objects.select_related("requested_by").filter(user=user, status=MfaResetStatus.PENDING).first()
    )
    return ManagedAccount(
        user=user,
        sessions=sorted(sessions, key=lambda item: item.created_at),
        factors=factors,
        recovery_codes_left=recovery_left,
        password_change_required=user.password_change_required,
        temporary_password_expires_at=user.temporary_password_expires_at,
        pending_mfa_reset=pending,
        may_reset_password=access.can(actor, "identity.reset_password", user),
        may_request_mfa_reset=access.can(actor, "identity.request_mfa_reset", user),
    )


def mfa_reset_pending_list(*, actor: Actor) -> list[MfaResetRequest]:
    """Return the pending second-factor resets the actor may approve or reject (not their own requests).

    Needs rule ``identity.approve_mfa_reset``; returns an empty list for anyone else. One query.
    """
    if not access.can(actor, "identity.approve_mfa_reset", None):
        return []
    pending = (
        MfaResetRequest.objects.filter(status=MfaResetStatus.PENDING)
        .select_related("requested_by", "user__organisation__parent__parent")
        .order_by("created_at")
    )
    return [item for item in pending if access.can(actor, "identity.approve_mfa_reset", item)]


def user_id_for_username(*, actor: Actor, username: str) -> int:
    """Return the id of the account ``username`` for an actor who may reset passwords (the command line).

    Needs rule ``identity.reset_password``; raises NotFound for an unknown name. Emits nothing.
    """
    access.require(actor, "identity.reset_password", None)
    found = User.objects.filter(username=username.strip()).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound
    return int(found)
