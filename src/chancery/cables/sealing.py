"""Sealing cable text with the vault's key infrastructure.

Each cable has its own random 256-bit data key, wrapped under the vault keyring's active key-encryption
key (:func:`chancery.vault.sealing.keyring`). Every piece of text (subject, paragraph, comment) is a short
sealed stream in the vault's format (:func:`chancery.vault.crypto.encrypt_stream`), bound to the cable's
key id and the piece's role so that pieces cannot be swapped between cables or fields.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from chancery.vault import crypto
from chancery.vault.sealing import keyring


@dataclass(frozen=True, slots=True)
class CableKey:
    """A cable's data key in memory, with what the row stores about it."""

    key_id: str
    kek_id: str
    wrapped: bytes
    data_key: bytes


def _wrap_context(key_id: str) -> bytes:
    return f"chancery-cable-key:{key_id}".encode("ascii")


def key_new() -> CableKey:
    """Return a fresh data key, wrapped under the keyring's active key-encryption key."""
    key_id = secrets.token_hex(16)
    data_key = crypto.generate_data_key()
    kek_id, wrapped = keyring().wrap(data_key, context=_wrap_context(key_id))
    return CableKey(key_id=key_id, kek_id=kek_id, wrapped=wrapped, data_key=data_key)


def key_open(*, key_id: str, kek_id: str, wrapped: bytes | memoryview) -> CableKey:
    """Unwrap a stored data key (raises the keyring's errors when the key is retired or altered)."""
    data_key = keyring().unwrap(kek_id, bytes(wrapped), context=_wrap_context(key_id))
    return CableKey(key_id=key_id, kek_id=kek_id, wrapped=bytes(wrapped), data_key=data_key)


def _context(key: CableKey, role: str) -> bytes:
    return f"chancery-cable:{key.key_id}:{role}".encode()


def text_seal(key: CableKey, text: str, *, role: str) -> bytes:
    """Return ``text`` sealed under the cable's key; ``role`` (e.g. ``"subject"``, ``"p3"``) is bound in."""
    chunks = crypto.encrypt_stream(io.BytesIO(text.encode("utf-8")), key=key.data_key, context=_context(key, role))
    return b"".join(chunks)


def text_open(key: CableKey, sealed: bytes | memoryview, *, role: str) -> str:
    """Return the text sealed by :func:`text_seal` (raises ``crypto.IntegrityError`` if altered)."""
    chunks = crypto.decrypt_stream(io.BytesIO(bytes(sealed)), key=key.data_key, context=_context(key, role))
    return b"".join(chunks).decode("utf-8")
