"""The outreach accounts' wrapped data keys, for key rotation and retirement (see chancery.vault.key_holders)."""

from __future__ import annotations

from functools import partial

from chancery.outreach.models import Account, AuthorisationRequest
from chancery.vault.key_holders import KeyHolder, register_key_holder
from chancery.vault.text_sealing import wrap_context

DOMAIN = "outreach-account"
SIGN_IN_DOMAIN = "outreach-sign-in"

register_key_holder(KeyHolder(name="outreach.account", model=Account, wrap_context=partial(wrap_context, DOMAIN)))
register_key_holder(
    KeyHolder(
        name="outreach.authorisation_request",
        model=AuthorisationRequest,
        wrap_context=partial(wrap_context, SIGN_IN_DOMAIN),
    )
)
