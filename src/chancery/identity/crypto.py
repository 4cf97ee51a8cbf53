"""Encryption at rest for MFA secrets (TOTP keys, recovery-code seeds).

AES-256-GCM under a key derived with HKDF-SHA256 from Django's ``SECRET_KEY`` and a purpose label, so that
the key is never reused for anything else Django signs. The stored format is versioned::

    v1:<base64url(nonce (12 bytes) || ciphertext || tag (16 bytes))>

The purpose label is also bound as associated data. Decryption tries ``SECRET_KEY`` and then each of
``SECRET_KEY_FALLBACKS`` so that a key rotation does not lock anyone out of their authenticator.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

FORMAT_VERSION = "v1"
PURPOSE = b"chancery/identity/mfa-secret/v1"
NONCE_BYTES = 12


class SecretDecryptionError(ValueError):
    """The stored value is malformed or was not encrypted under any configured key."""


def _derive_key(secret_key: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
    return hkdf.derive(secret_key.encode("utf-8"))


def _candidate_keys(purpose: bytes) -> list[bytes]:
    fallbacks: list[str] = list(getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return [_derive_key(key, purpose) for key in [settings.SECRET_KEY, *fallbacks]]


def secret_encrypt(plaintext: str, *, purpose: bytes = PURPOSE) -> str:
    """Encrypt ``plaintext`` with AES-256-GCM under the current key; return the versioned text form.

    Needs: Django settings (``SECRET_KEY``). Emits nothing; a fresh random nonce is used for every call.
    """
    key = _derive_key(settings.SECRET_KEY, purpose)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), purpose)
    return f"{FORMAT_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def secret_decrypt(stored: str, *, purpose: bytes = PURPOSE) -> str:
    """Return the plaintext of a value produced by :func:`secret_encrypt`.

    Needs: Django settings (``SECRET_KEY`` and optionally ``SECRET_KEY_FALLBACKS``). Raises
    :class:`SecretDecryptionError` when the format is unknown or no configured key opens it.
    """
    version, separator, payload = stored.partition(":")
    if not separator or version != FORMAT_VERSION:
        msg = "unknown secret format"
        raise SecretDecryptionError(msg)
    try:
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        msg = "malformed secret"
        raise SecretDecryptionError(msg) from error
    if len(raw) <= NONCE_BYTES:
        msg = "malformed secret"
        raise SecretDecryptionError(msg)
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for key in _candidate_keys(purpose):
        try:
            return AESGCM(key).decrypt(nonce, sealed, purpose).decode("utf-8")
        except InvalidTag:
            continue
    msg = "no configured key opens this secret"
    raise SecretDecryptionError(msg)
