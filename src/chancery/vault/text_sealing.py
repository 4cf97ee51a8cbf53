"""Sealing short texts (cable paragraphs, chat messages...) with the vault's key infrastructure.

A domain gives each of its objects a random 256-bit data key, wrapped under the keyring's active
key-encryption key and bound to ``<domain>`` and the key id; each text is a short sealed stream in the
vault's format (:func:`chancery.vault.crypto.encrypt_stream`) bound to the key id and the text's role,
so texts cannot be swapped between objects or fields. The object's row stores ``key_id``, ``kek_id`` and
``wrapped_key`` and the domain registers it in its ``key_holders`` module, so that key rotation rewraps
it and retirement never erases a key it still needs (:mod:`chancery.vault.key_holders`).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from chancery.vault import crypto
from chancery.vault.sealing import keyring


@dataclass(frozen=True, slots=True)
class TextKey:
    """An object's data key in memory, with what its row stores about it."""

    domain: str
    key_id: str
    kek_id: str
    wrapped: bytes
    data_key: bytes


def wrap_context(domain: str, key_id: str) -> bytes:
    """Return the context bound into the wrapping of a ``domain`` object's data key."""
    return f"chancery-{domain}-key:{key_id}".encode("ascii")


def key_new(*, domain: str) -> TextKey:
    """Return a fresh data key for a ``domain`` object, wrapped under the keyring's active key."""
    key_id = secrets.token_hex(16)
    data_key = crypto.generate_data_key()
    kek_id, wrapped = keyring().wrap(data_key, context=wrap_context(domain, key_id))
    return TextKey(domain=domain, key_id=key_id, kek_id=kek_id, wrapped=wrapped, data_key=data_key)


def key_open(*, domain: str, key_id: str, kek_id: str, wrapped: bytes | memoryview) -> TextKey:
    """Unwrap a stored data key (raises the keyring's errors when the key is retired or altered)."""
    data_key = keyring().unwrap(kek_id, bytes(wrapped), context=wrap_context(domain, key_id))
    return TextKey(domain=domain, key_id=key_id, kek_id=kek_id, wrapped=bytes(wrapped), data_key=data_key)


def _context(key: TextKey, role: str) -> bytes:
    suffix = f":{role}" if role else ""
    return f"chancery-{key.domain}:{key.key_id}{suffix}".encode()


def text_seal(key: TextKey, text: str, *, role: str = "") -> bytes:
    """Return ``text`` sealed under ``key``; ``role`` (e.g. ``"subject"``, ``"p3"``) is bound in."""
    chunks = crypto.encrypt_stream(io.BytesIO(text.encode("utf-8")), key=key.data_key, context=_context(key, role))
    return b"".join(chunks)


def text_open(key: TextKey, sealed: bytes | memoryview, *, role: str = "") -> str:
    """Return the text sealed by :func:`text_seal` (raises ``crypto.IntegrityError`` if altered)."""
    chunks = crypto.decrypt_stream(io.BytesIO(bytes(sealed)), key=key.data_key, context=_context(key, role))
    return b"".join(chunks).decode("utf-8")
