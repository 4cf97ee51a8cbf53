"""Identity reads: locked accounts for officers, and a user's own security overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q

from chancery.identity import lockout
from chancery.identity.models import User
from chancery.identity.permissions import LockTarget
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.errors import NotAuthenticated


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
            recovery_left = len(authenticator.wrap().get_unused_codes())
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
