"""Sealing message bodies with the vault's key infrastructure (:mod:`chancery.vault.text_sealing`).

Each channel has its own random 256-bit data key, wrapped under the vault keyring's active key-encryption
key and bound to ``chat`` and the key id; every message body is a sealed stream in the vault's format
bound to the channel's key id and the role ``body``, so bodies cannot be moved between channels. The
channel table is registered in :mod:`chancery.chat.key_holders`, so key rotation rewraps its keys.
"""

from __future__ import annotations

from chancery.vault import text_sealing

DOMAIN = "chat"
ROLE = "body"
ChannelKey = text_sealing.TextKey


def key_new() -> ChannelKey:
    """Return a fresh channel data key, wrapped under the keyring's active key-encryption key."""
    return text_sealing.key_new(domain=DOMAIN)


def key_open(*, key_id: str, kek_id: str, wrapped: bytes | memoryview) -> ChannelKey:
    """Unwrap a stored channel key (raises the keyring's errors when the key is retired or altered)."""
    return text_sealing.key_open(domain=DOMAIN, key_id=key_id, kek_id=kek_id, wrapped=wrapped)


def text_seal(key: ChannelKey, text: str) -> bytes:
    """Return a message body sealed under the channel's key."""
    return text_sealing.text_seal(key, text, role=ROLE)


def text_open(key: ChannelKey, sealed: bytes | memoryview) -> str:
    """Return the body sealed by :func:`text_seal` (raises ``crypto.IntegrityError`` if altered)."""
    return text_sealing.text_open(key, sealed, role=ROLE)
