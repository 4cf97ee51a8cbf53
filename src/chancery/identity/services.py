"""Identity writes: unlocking accounts, changing authorisation, and the audit trail of sign-in events.

The ``*_record`` services are called from allauth's and axes' explicit hooks (see ``adapters.py``,
``forms.py`` and ``receivers.py``); each appends exactly one audit event and never logs secrets.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.identity import lockout, recovery
from chancery.identity.enums import Role
from chancery.identity.models import MfaResetRequest, MfaResetStatus, User
from chancery.identity.permissions import LockTarget
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from chancery.transparency.services import tlog_append_on_commit

USER_OBJECT = "identity.user"
RECOVERY = Authenticator.Type.RECOVERY_CODES
MAX_EVIDENCE_LENGTH = 2000


def sign_in_record(*, actor: Actor, methods: list[str]) -> None:
    """Audit a completed sign-in (``identity.signed_in``); ``methods`` lists the factors used."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.signed_in",
            object_type=USER_OBJECT,
            object_id=actor.user_id or "",
            detail={"methods": methods},
        )


def sign_in_failure_record(*, actor: Actor, username: str, reason: str) -> None:
    """Audit a refused sign-in (``identity.sign_in_failed``) with the attempted ``username``.

    ``reason`` is ``"credentials"``, ``"locked"``, ``"mfa_code"`` or ``"temporary_password_expired"``;
    the password is never recorded.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.sign_in_failed",
            outcome=Outcome.FAILURE,
            object_type=USER_OBJECT,
            username=username[:150],
            detail={"reason": reason},
        )


def lockout_record(*, actor: Actor, username: str) -> None:
    """Audit that ``username`` has just been locked after repeated failures (``identity.locked_out``)."""
    with transaction.atomic():
        user = User.objects.filter(username=username).only("pk").first()
        audit_record(
            actor=actor,
            action="identity.locked_out",
            outcome=Outcome.DENIED,
            object_type=USER_OBJECT,
            object_id=user.pk if user else "",
            username=username[:150],
            detail={"failure_limit": lockout.failure_limit()},
        )


def sign_out_record(*, actor: Actor, reason: str) -> None:
    """Audit a sign-out (``identity.signed_out``): ``reason`` is ``"user"``, ``"idle"`` or ``"absolute"``."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.signed_out",
            object_type=USER_OBJECT,
            object_id=actor.user_id or "",
            detail={"reason": reason},
        )


def mfa_change_record(*, actor: Actor, action: str, authenticator_type: str, authenticator_id: int | None) -> None:
    """Audit an MFA change (``identity.mfa_activated``, ``mfa_deactivated``, ``recovery_codes_generated``).

    Records the authenticator's type and id, never its secret.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            object_type="mfa.authenticator",
            object_id=authenticator_id or "",
            detail={"type": authenticator_type},
        )


def password_change_record(*, actor: Actor, user_id: int) -> None:
    """Audit a password the user chose (``identity.password_changed``) for ``user_id``.

    The user chose it themselves, so a temporary (one-time) password flag is cleared.
    """
    with transaction.atomic():
        User.objects.filter(pk=user_id).update(password_change_required=False, temporary_password_expires_at=None)
        audit_record(actor=actor, action="identity.password_changed", object_type=USER_OBJECT, object_id=user_id)


def session_revoke_record(*, actor: Actor, count: int) -> None:
    """Audit that the actor signed ``count`` of their own sessions out (``identity.session_revoked``)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.session_revoked",
            object_type=USER_OBJECT,
            object_id=actor.user_id or "",
            detail={"count": count},
        )


def account_unlock(*, actor: Actor, username: str) -> int:
    """Clear the lockout of ``username`` (django-axes reset) and audit ``identity.unlocked``.

    Needs: rule ``identity.unlock`` (administrators; security officers within their organisation).
    Raises NotFound when the name is not locked and PermissionDenied when the actor may not unlock it.
    Returns the number of failure records removed.
    """
    username = username.strip()
    with transaction.atomic():
        user = User.objects.select_related("organisation").filter(username=username).first()
        target = LockTarget(username=username, user=user)
        access.require(actor, "identity.unlock", target)
        if not lockout.username_is_locked(username):
            raise NotFound(_("This account is not locked."))
        removed = lockout.lockout_reset(username=username)
        audit_record(
            actor=actor,
            action="identity.unlocked",
            object_type=USER_OBJECT,
            object_id=user.pk if user else "",
            detail={"username": username, "records_removed": removed},
        )
    return removed


def user_update_authorisation(
    *,
    actor: Actor,
    user: User,
    role: str | None = None,
    clearance: int | None = None,
    compartments: Iterable[str] | None = None,
) -> User:
    """Change ``user``'s role, clearance and/or compartment codes; ``None`` leaves a value as it is.

    Needs: rule ``identity.manage_users`` for role and compartments (administrators) and
    ``identity.change_clearance`` for the clearance (administrators and security officers). Emits
    ``identity.role_changed``, ``identity.clearance_changed`` and ``identity.compartments_changed`` with
    old and new values. Raises InvalidInput for unknown values; writes nothing unless everything is valid.
    """
    if role is not None and role not in Role.values:
        raise InvalidInput(_("Unknown role."), errors={"role": [_("Choose a valid role.")]})
    if clearance is not None and clearance not in Classification.values:
        raise InvalidInput(_("Unknown clearance."), errors={"clearance": [_("Choose a valid clearance.")]})
    with transaction.atomic():
        locked = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
        changes: list[tuple[str, dict[str, object]]] = []
        if role is not None and role != locked.role:
            access.require(actor, "identity.manage_users", locked)
            changes.append(("identity.role_changed", {"old": locked.role, "new": role}))
            locked.role = role
        if clearance is not None and clearance != locked.clearance:
            access.require(actor, "identity.change_clearance", locked)
            changes.append(("identity.clearance_changed", {"old": locked.clearance, "new": int(clearance)}))
            locked.clearance = int(clearance)
        if compartments is not None:
            wanted = set(compartments)
            current = set(locked.compartments.values_list("code", flat=True))
            if wanted != current:
                access.require(actor, "identity.manage_users", locked)
                compartment_model = locked.compartments.model
                found = list(compartment_model.objects.filter(code__in=wanted))
                if len(found) != len(wanted):
                    unknown = sorted(wanted - {item.code for item in found})
                    raise InvalidInput(
                        _("Unknown compartments."),
                        errors={"compartments": [_("Unknown compartment: %(code)s") % {"code": c} for c in unknown]},
                    )
                locked.compartments.set(found)
                changes.append(("identity.compartments_changed", {"old": sorted(current), "new": sorted(wanted)}))
        locked.save(update_fields=["role", "clearance"])
        for action, detail in changes:
            audit_record(actor=actor, action=action, object_type=USER_OBJECT, object_id=locked.pk, detail=detail)
    user.refresh_from_db()
    return user


# --- Sessions: the per-account limit, and officers ending other people's sessions (ASVS 7.1.2, 7.4.5) ---


def _signed_in_sessions() -> list[tuple[str, int]]:
    """Return ``(session_key, user_id)`` for every unexpired stored session that has a signed-in user."""
    found: list[tuple[str, int]] = []
    for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        user_id = row.get_decoded().get(SESSION_KEY)
        if user_id is not None and str(user_id).isdigit():
            found.append((row.session_key, int(user_id)))
    return found


def _live_session_keys(user_id: int) -> list[str]:
    """Return the keys of ``user_id``'s unexpired sessions (allauth records each at sign-in; indexed by user)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(UserSession.objects.filter(user_id=user_id, session_key__in=live).values_list("session_key", flat=True))


def _sessions_end(keys: Iterable[str]) -> int:
    """Delete the sessions ``keys`` (and allauth's rows describing them); return how many were stored."""
    wanted = set(keys)
    UserSession.objects.filter(session_key__in=wanted).delete()
    deleted, _by_model = Session.objects.filter(session_key__in=wanted).delete()
    return deleted


def session_limit_enforce(*, actor: Actor, current_session_key: str) -> int:
    """End the actor's oldest sessions beyond ``MAX_SESSIONS_PER_USER``, never the current one.

    Needs: a signed-in actor, called right after sign-in. Emits ``identity.session_limit_reached`` (with
    how many sessions were ended and the limit) when any was ended. Returns how many were ended.
    """
    limit = max(1, int(settings.MAX_SESSIONS_PER_USER))
    if actor.user_id is None:
        return 0
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.user_id).first()  # one sign-in at a time per account
        keys = [key for key in _live_session_keys(actor.user_id) if key != current_session_key]
        if len(keys) + 1 <= limit:
            return 0
        started = dict(UserSession.objects.filter(session_key__in=keys).values_list("session_key", "created_at"))
        oldest_first = sorted(keys, key=lambda key: (started.get(key) is not None, started.get(key) or timezone.now()))
        excess = oldest_first[: len(keys) + 1 - limit]
        ended = _sessions_end(excess)
        audit_record(
            actor=actor,
            action="identity.session_limit_reached",
            object_type=USER_OBJECT,
            object_id=actor.user_id,
            detail={"ended": ended, "limit": limit},
        )
    return ended


def user_sessions_end(*, actor: Actor, user_id: int) -> int:
    """End every session of the user ``user_id`` (an officer's "sign this person out everywhere").

    Needs: rule ``identity.end_sessions`` (administrators; security officers within their organisation;
    never one's own account). Emits ``identity.sessions_ended`` with the count. Returns how many ended.
    """
    with transaction.atomic():
        user = User.objects.select_related("organisation__parent__parent").filter(pk=user_id).first()
        if user is None:
            raise NotFound(_("No such user."))
        access.require(actor, "identity.end_sessions", user)
        ended = _sessions_end(_live_session_keys(user.pk))
        UserSession.objects.filter(user_id=user.pk).delete()
        audit_record(
            actor=actor,
            action="identity.sessions_ended",
            object_type=USER_OBJECT,
            object_id=user.pk,
            detail={"count": ended},
        )
    return ended


def all_sessions_end(*, actor: Actor) -> int:
    """End every session of every account the actor may sign out, keeping all of the actor's own.

    Needs: rule ``identity.end_all_sessions`` (administrators: everyone; security officers: the users
    within their organisation, per ``identity.end_sessions``). Emits ``identity.all_sessions_ended`` with
    the number of sessions and accounts. Returns how many sessions ended.
    """
    access.require(actor, "identity.end_all_sessions", None)
    with transaction.atomic():
        sessions = [(key, owner) for key, owner in _signed_in_sessions() if owner != actor.user_id]
        owners = User.objects.select_related("organisation__parent__parent").in_bulk({owner for _k, owner in sessions})
        allowed = {pk for pk, user in owners.items() if access.can(actor, "identity.end_sessions", user)}
        ended = _sessions_end(key for key, owner in sessions if owner in allowed)
        audit_record(
            actor=actor,
            action="identity.all_sessions_ended",
            object_type=USER_OBJECT,
            detail={"count": ended, "accounts": len(allowed)},
        )
    return ended


# --- Passwords chosen by someone else are one-time (ASVS 6.4.1) and the administrator's reset (6.4.3) ---


@dataclass(frozen=True, slots=True)
class TemporaryPassword:
    """A one-time password to hand to its owner in person, and when it stops working."""

    username: str
    password: str
    expires_at: datetime


def temporary_password_expiry() -> datetime:
    """Return when a temporary password set now stops working (``TEMPORARY_PASSWORD_HOURS``)."""
    return timezone.now() + timedelta(hours=max(1, int(settings.TEMPORARY_PASSWORD_HOURS)))


def temporary_password_mark(user: User) -> None:
    """Flag ``user``'s just-set password as one-time (change at next sign-in; expires). Saves nothing."""
    user.password_change_required = True
    user.temporary_password_expires_at = temporary_password_expiry()


def temporary_password_is_expired(user: User) -> bool:
    """True when ``user`` still has a temporary password and its validity has run out."""
    expires = user.temporary_password_expires_at
    return bool(user.password_change_required and expires is not None and expires <= timezone.now())


def _temporary_password_generate() -> str:
    """Return a random password of 24 URL-safe characters (about 144 bits)."""
    return secrets.token_urlsafe(18)


def _temporary_password_set(user: User) -> TemporaryPassword:
    password = _temporary_password_generate()
    user.set_password(password)
    temporary_password_mark(user)
    user.save(update_fields=["password", "password_change_required", "temporary_password_expires_at"])
    assert user.temporary_password_expires_at is not None  # set by temporary_password_mark
    return TemporaryPassword(username=user.username, password=password, expires_at=user.temporary_password_expires_at)


def user_password_reset(*, actor: Actor, user_id: int) -> TemporaryPassword:
    """Give ``user_id`` a random one-time password (returned once, to hand over in person).

    The old password is replaced, never read or shown; the user's second factors are kept, so the new
    password alone does not open the account; every session of the user ends. Needs: rule
    ``identity.reset_password``. Emits ``identity.password_reset`` (never the password).
    """
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("organisation__parent__parent")
        target = user.filter(pk=user_id).first()
        if target is None:
            raise NotFound(_("No such user."))
        access.require(actor, "identity.reset_password", target)
        issued = _temporary_password_set(target)
        ended = _sessions_end(_live_session_keys(target.pk))
        audit_record(
            actor=actor,
            action="identity.password_reset",
            object_type=USER_OBJECT,
            object_id=target.pk,
            detail={"via": "service", "expires_at": issued.expires_at.isoformat(), "sessions_ended": ended},
        )
    return issued


def admin_password_set_record(*, actor: Actor, user_id: int) -> None:
    """Audit that an administrator typed a new password for ``user_id`` in the Django admin.

    The admin form has already flagged the password as one-time (:func:`temporary_password_mark`), and
    Django's session verification signs the user out everywhere. Emits ``identity.password_reset``.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.password_reset",
            object_type=USER_OBJECT,
            object_id=user_id,
            detail={"via": "admin"},
        )


# --- Replacing a lost second factor: two officers and a recorded identity check (ASVS 6.4.4) ---

MFA_RESET_REQUEST_HOURS = 24


def mfa_reset_request(*, actor: Actor, user_id: int, identity_evidence: str) -> MfaResetRequest:
    """File a request to remove ``user_id``'s second factors, with how their identity was proven.

    Needs: rule ``identity.request_mfa_reset`` and a non-empty ``identity_evidence`` (at most 2,000
    characters). Raises Conflict when a request for that user is already pending. Emits
    ``identity.mfa_reset_requested``. Nothing changes until a second officer approves.
    """
    evidence = identity_evidence.strip()
    if not evidence:
        raise InvalidInput(
            _("Record how the person's identity was proven."),
            errors={"identity_evidence": [_("Record how the person's identity was proven.")]},
        )
    if len(evidence) > MAX_EVIDENCE_LENGTH:
        raise InvalidInput(
            _("The record is too long."),
            errors={"identity_evidence": [_("Use at most 2,000 characters.")]},
        )
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("organisation__parent__parent")
        target = user.filter(pk=user_id).first()
        if target is None:
            raise NotFound(_("No such user."))
        access.require(actor, "identity.request_mfa_reset", target)
        if MfaResetRequest.objects.filter(user=target, status=MfaResetStatus.PENDING).exists():
            raise Conflict(_("A second-factor reset for this account is already awaiting approval."))
        if actor.user_id is None:
            raise NotAuthenticated
        request = MfaResetRequest.objects.create(user=target, requested_by_id=actor.user_id, identity_evidence=evidence)
        audit_record(
            actor=actor,
            action="identity.mfa_reset_requested",
            object_type="identity.mfa_reset_request",
            object_id=request.pk,
            detail={"user_id": target.pk},
        )
    return request


def _pending_request(request_id: int) -> MfaResetRequest:
    request = (
        MfaResetRequest.objects.select_for_update(of=("self",))
        .select_related("user__organisation__parent__parent")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(_("No such request."))
    return request


def mfa_reset_approve(*, actor: Actor, request_id: int) -> TemporaryPassword:
    """Carry out a pending second-factor reset as the second officer; return a one-time password.

    Removes all the user's authenticators (TOTP, security keys, recovery codes), ends their sessions
    and sets a random one-time password for the approving officer to hand over in person, so that
    only the person whose identity was checked can enrol a new factor. Needs: rule
    ``identity.approve_mfa_reset`` (not the requester, not the account's owner). Raises Conflict for a
    request no longer pending or older than 24 hours. Emits ``identity.mfa_reset_approved`` and a
    transparency-log leaf.
    """
    with transaction.atomic():
        request = _pending_request(request_id)
        access.require(actor, "identity.approve_mfa_reset", request)
        if request.status != MfaResetStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        if request.created_at < timezone.now() - timedelta(hours=MFA_RESET_REQUEST_HOURS):
            raise Conflict(_("This request is more than a day old; file a new one after checking identity again."))
        user = request.user
        removed, _by_model = Authenticator.objects.filter(user_id=user.pk).delete()
        issued = _temporary_password_set(user)
        ended = _sessions_end(_live_session_keys(user.pk))
        request.status = MfaResetStatus.APPROVED
        request.decided_by_id = actor.user_id
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="identity.mfa_reset_approved",
            object_type="identity.mfa_reset_request",
            object_id=request.pk,
            detail={"user_id": user.pk, "authenticators_removed": removed, "sessions_ended": ended},
        )
        tlog_append_on_commit(
            record_type="identity.mfa_reset",
            record_id=request.pk,
            fields={
                "user_id": user.pk,
                "requested_by": request.requested_by_id,
                "approved_by": actor.user_id,
                "decided_at": request.decided_at.isoformat(),
            },
        )
    return issued


def mfa_reset_reject(*, actor: Actor, request_id: int) -> MfaResetRequest:
    """Reject a pending second-factor reset (the second officer is not satisfied). Changes no factor.

    Needs: rule ``identity.approve_mfa_reset``. Emits ``identity.mfa_reset_rejected``.
    """
    with transaction.atomic():
        request = _pending_request(request_id)
        access.require(actor, "identity.approve_mfa_reset", request)
        if request.status != MfaResetStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        request.status = MfaResetStatus.REJECTED
        request.decided_by_id = actor.user_id
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="identity.mfa_reset_rejected",
            object_type="identity.mfa_reset_request",
            object_id=request.pk,
            detail={"user_id": request.user_id},
        )
    return request


# --- Recovery codes as salted slow hashes (ASVS 6.5.2) ---


def recovery_codes_issue(*, actor: Actor) -> list[str]:
    """Replace the actor's recovery codes with ten new ones, stored hashed; return them (shown once).

    Needs: a signed-in actor (own account) with another second factor. Emits
    ``identity.recovery_codes_generated``. Raises Conflict when the actor has no other factor.
    """
    if actor.user_id is None:
        raise NotAuthenticated
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.user_id).first()
        if not Authenticator.objects.filter(user_id=actor.user_id).exclude(type=RECOVERY).exists():
            raise Conflict(_("Set up an authenticator app or a security key first."))
        Authenticator.objects.filter(user_id=actor.user_id, type=RECOVERY).delete()
        codes = recovery.codes_generate()
        row = Authenticator.objects.create(user_id=actor.user_id, type=RECOVERY, data=recovery.hashed_data(codes))
        audit_record(
            actor=actor,
            action="identity.recovery_codes_generated",
            object_type="mfa.authenticator",
            object_id=row.pk,
            detail={"type": RECOVERY, "count": len(codes)},
        )
    return codes


def recovery_codes_reveal_pending(*, actor: Actor) -> list[str] | None:
    """Return the actor's codes if allauth has just created them from a seed, hashing them and erasing the seed.

    allauth makes seed-based codes when the first authenticator is set up and then shows this page;
    after this call the codes exist only as hashes. Returns None when there is nothing to reveal (the
    codes are already hashed, or the actor has none). Emits ``identity.recovery_codes_sealed``.
    """
    if actor.user_id is None:
        raise NotAuthenticated
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().filter(user_id=actor.user_id, type=RECOVERY).first()
        if row is None or recovery.is_hashed(row.data):
            return None
        codes = list(row.wrap().get_unused_codes())
        row.data = recovery.hashed_data(codes, slotted=False)
        row.save(update_fields=["data"])
        audit_record(
            actor=actor,
            action="identity.recovery_codes_sealed",
            object_type="mfa.authenticator",
            object_id=row.pk,
            detail={"count": len(codes)},
        )
    return codes
