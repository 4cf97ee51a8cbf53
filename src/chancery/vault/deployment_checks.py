"""The vault's line in ``chancery check``: where the key-encryption keys live, and whether they answer."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from chancery.platform.deployment import CheckItem, register_check
from chancery.vault.kek_transit import TransitKeyring
from chancery.vault.keyring import KeyringError


def check_key_encryption_keys() -> CheckItem:
    """The keyring file (named, with its mode) or the Vault Transit key (reachable, derived, its versions)."""
    from chancery.vault.sealing import keyring, transit_config

    name = "Key-encryption keys"
    if settings.VAULT_KEK_BACKEND != "transit":
        path = Path(settings.VAULT_KEYRING_FILE)
        if not path.is_file():
            return CheckItem(name, passed=True, detail=f"Keyring file {path} (created at first upload).")
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            return CheckItem(name, passed=False, detail=f"Keyring file {path} is mode {mode:04o}; make it 0600.")
        return CheckItem(name, passed=True, detail=f"Keyring file {path} (mode 0600); no HSM or key vault.")
    problems = transit_config().problems()
    if problems:
        return CheckItem(name, passed=False, detail="Vault Transit selected but " + "; ".join(problems) + ".")
    try:
        ring = keyring()
        assert isinstance(ring, TransitKeyring)
        return CheckItem(name, passed=True, detail=ring.describe())
    except KeyringError as error:
        return CheckItem(name, passed=False, detail=f"{error}.")


register_check("Key-encryption keys", check_key_encryption_keys)
