"""Sealing cable text with the vault's key infrastructure (:mod:`chancery.vault.text_sealing`).

Each cable has its own random 256-bit data key, wrapped under the vault keyring's active key-encryption
key and bound to ``cable`` and the key id. Every piece of text (subject, paragraph, comment) is a short
sealed stream in the vault's format bound to the cable's key id and the piece's role (``subject``,
``p3``, ``return-comment``), so pieces cannot be swapped between cables or fields. The cable table is
registered in :mod:`chancery.cables.key_holders`, so key rotation rewraps its keys.
"""

from __future__ import annotations

from chancery.vault import text_sealing

DOMAIN = "cable"

CableKey = text_sealing.TextKey


def key_new() -> CableKey:
    """Return a fresh cable data key, wrapped under the keyring's active key-encryption key."""
    return text_sealing.key_new(domain=DOMAIN)


def key_open(*, key_id: str, kek_id: str, wrapped: bytes | memoryview) -> CableKey:
    """Unwrap a stored cable key (raises the keyring's errors when the key is retired or altered)."""
    return text_sealing.key_open(domain=DOMAIN, key_id=key_id, kek_id=kek_id, wrapped=wrapped)


def text_seal(key: CableKey, text: str, *, role: str) -> bytes:
    """Return ``text`` sealed under the cable's key; ``role`` (e.g. ``"subject"``, ``"p3"``) is bound in."""
    return text_sealing.text_seal(key, text, role=role)


def text_open(key: CableKey, sealed: bytes | memoryview, *, role: str) -> str:
    """Return the text sealed by :func:`text_seal` (raises ``crypto.IntegrityError`` if altered)."""
    return text_sealing.text_open(key, sealed, role=role)
