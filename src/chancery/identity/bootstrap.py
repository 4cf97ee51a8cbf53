"""Creating the first administrator from the command line (``chancery admin create``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.identity import recovery
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.identity.services import temporary_password_mark
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput


@dataclass(frozen=True, slots=True)
class BootstrapResult:
    """What the operator must be shown once: the password if generated, the TOTP secret and codes."""

    username: str
    generated_password: str | None
    totp_secret: str
    totp_uri: str
    recovery_codes: list[str]


def administrator_bootstrap(*, username: str, email: str = "", password: str | None = None) -> BootstrapResult:
    """Create an administrator (TOP SECRET, staff, superuser) with TOTP and recovery codes.

    Needs: a username not yet taken; ``password`` must pass the password rules (one is generated when
    it is None; a generated one is one-time: it expires and must be changed at the first
    sign-in). Recovery codes are stored as salted hashes and returned once. Emits
    ``identity.administrator_created`` as the system actor. Raises Conflict when the username exists
    and InvalidInput for an unacceptable username or password; writes nothing then.
    """
    username = username.strip()
    if not username:
        raise InvalidInput(_("A username is required."), errors={"username": [_("A username is required.")]})
    generated = None
    if password is None:
        generated = secrets.token_urlsafe(24)
        password = generated
    actor = Actor.system(purpose="admin-create")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(_("A user with that username already exists."))
        user = User(
            username=username,
            email=email,
            role=Role.ADMINISTRATOR,
            clearance=Classification.TOP_SECRET,
            is_staff=True,
            is_superuser=True,
        )
        try:
            User._meta.get_field("username").run_validators(username)
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput("; ".join(error.messages), errors={"password": list(error.messages)}) from error
        user.set_password(password)
        if generated is not None:
            temporary_password_mark(user)
        user.save()
        secret = generate_totp_secret()
        totp = TOTP.activate(user, secret)
        codes = recovery.codes_generate()
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.RECOVERY_CODES, data=recovery.hashed_data(codes)
        )
        audit_record(
            actor=actor,
            action="identity.administrator_created",
            object_type="identity.user",
            object_id=user.pk,
            detail={"username": username, "mfa": ["totp", "recovery_codes"], "totp_id": totp.instance.pk},
        )
    return BootstrapResult(
        username=user.username,
        generated_password=generated,
        totp_secret=secret,
        totp_uri=get_mfa_adapter().build_totp_url(user, secret),
        recovery_codes=codes,
    )
