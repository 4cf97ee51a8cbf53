"""Sealing an account's platform credentials with the vault's keyring (never stored or logged in clear)."""

from __future__ import annotations

import json

from chancery.outreach.key_holders import DOMAIN
from chancery.outreach.models import Account
from chancery.vault.text_sealing import key_new, key_open, text_open, text_seal

ROLE = "credentials"


def credentials_seal(account: Account, credentials: dict[str, str]) -> None:
    """Give ``account`` a fresh data key and set its sealed credentials (the caller saves the row)."""
    key = key_new(domain=DOMAIN)
    account.key_id, account.kek_id, account.wrapped_key = key.key_id, key.kek_id, key.wrapped
    account.credentials_sealed = text_seal(key, json.dumps(credentials, sort_keys=True), role=ROLE)


def credentials_open(account: Account) -> dict[str, str]:
    """Return ``account``'s credentials (raises the keyring's errors if the key is retired or altered)."""
    if account.wrapped_key is None:
        return {}
    key = key_open(domain=DOMAIN, key_id=account.key_id, kek_id=account.kek_id, wrapped=account.wrapped_key)
    data = json.loads(text_open(key, account.credentials_sealed, role=ROLE))
    return {str(name): str(value) for name, value in data.items()}
