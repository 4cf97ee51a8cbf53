"""Identity writes: unlocking accounts, changing authorisation, and the audit trail of sign-in events.

The ``*_record`` services are called from allauth's and axes' explicit hooks (see ``adapters.py``,
``forms.py`` and ``receivers.py``); each appends exactly one audit event and never logs secrets.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from chancery.audit.enums import Outcome
from chancery.audit.services import audit_record
from chancery.identity import lockout
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.identity.permissions import LockTarget
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, NotFound

USER_OBJECT = "identity.user"


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

    ``reason`` is ``"credentials"``, ``"locked"`` or ``"mfa_code"``; the password is never recorded.
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
    """Audit a password change or reset (``identity.password_changed``) for the user ``user_id``."""
    with transaction.atomic():
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
