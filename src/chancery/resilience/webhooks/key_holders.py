"""Webhook subscriptions' wrapped data keys, for key rotation and retirement (see :mod:`chancery.vault.key_holders`)."""

from __future__ import annotations

from functools import partial

from chancery.resilience.webhooks.models import SECRET_KEY_DOMAIN, WebhookSubscription
from chancery.vault.key_holders import KeyHolder, register_key_holder
from chancery.vault.text_sealing import wrap_context

register_key_holder(
    KeyHolder(
        name="webhooks.subscription",
        model=WebhookSubscription,
        wrap_context=partial(wrap_context, SECRET_KEY_DOMAIN),
    )
)
