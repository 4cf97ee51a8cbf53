"""Sealing and opening a subscription's signing secret under its own data key (the vault's keyring)."""

from __future__ import annotations

from chancery.resilience.webhooks.models import SECRET_KEY_DOMAIN, WebhookSubscription
from chancery.vault import text_sealing

ROLE = "secret"


def secret_store(subscription: WebhookSubscription, secret: str) -> None:
    """Seal ``secret`` into ``subscription`` (a fresh data key each time; the caller saves the row)."""
    key = text_sealing.key_new(domain=SECRET_KEY_DOMAIN)
    subscription.key_id, subscription.kek_id, subscription.wrapped_key = key.key_id, key.kek_id, key.wrapped
    subscription.secret_sealed = text_sealing.text_seal(key, secret, role=ROLE)


def secret_open(subscription: WebhookSubscription) -> str:
    """Return the subscription's ``whsec_…`` secret (raises the vault's integrity error if altered)."""
    key = text_sealing.key_open(
        domain=SECRET_KEY_DOMAIN,
        key_id=subscription.key_id,
        kek_id=subscription.kek_id,
        wrapped=bytes(subscription.wrapped_key or b""),
    )
    return text_sealing.text_open(key, bytes(subscription.secret_sealed), role=ROLE)
