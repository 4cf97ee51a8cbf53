"""Sealing plaintext into the blob store and opening it again: the glue between crypto, keyring and blobs.

Plaintext only ever exists here as one chunk at a time (``VAULT_CHUNK_BYTES``); the data key only in
memory, wrapped under the keyring's active key-encryption key before it is stored.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from chancery.platform.errors import InvalidInput
from chancery.vault import crypto
from chancery.vault.blobs import BlobNotFound, BlobStore, blob_store
from chancery.vault.kek_transit import TransitConfig, TransitKeyring, transit_keyring
from chancery.vault.keyring import (
    KeyEncryptionKey,
    Keyring,
    KeyringError,
    keyring_add_active,
    keyring_load,
    keyring_retire,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SealedBlob:
    """What the version row records about a freshly sealed blob."""

    key_id: str
    kek_id: str
    wrapped_key: bytes
    blob_key: str
    stored_size: int
    size: int
    sha256: str


def transit_config() -> TransitConfig:
    """Return the Vault Transit settings (``CHANCERY_VAULT_TRANSIT_*``)."""
    return TransitConfig(
        url=settings.VAULT_TRANSIT_URL,
        mount=settings.VAULT_TRANSIT_MOUNT,
        key=settings.VAULT_TRANSIT_KEY,
        token=settings.VAULT_TRANSIT_TOKEN,
        role_id=settings.VAULT_TRANSIT_ROLE_ID,
        secret_id=settings.VAULT_TRANSIT_SECRET_ID,
        ca_file=settings.VAULT_TRANSIT_CA_FILE,
        timeout=float(settings.VAULT_TRANSIT_TIMEOUT_SECONDS),
    )


def keyring() -> Keyring | TransitKeyring:
    """Return the configured KEK back-end: the keyring file (created at first use) or Vault Transit."""
    if settings.VAULT_KEK_BACKEND == "transit":
        return transit_keyring(transit_config(), file_keyring=Path(settings.VAULT_KEYRING_FILE))
    return keyring_load(Path(settings.VAULT_KEYRING_FILE))


def kek_rewrap(kek_id: str, wrapped: bytes, *, context: bytes) -> tuple[str, bytes]:
    """Return ``(active KEK id, the data key rewrapped under it)``; Transit rewraps inside Vault."""
    ring = keyring()
    if isinstance(ring, TransitKeyring):
        return ring.rewrap(kek_id, wrapped, context=context)
    return ring.wrap(ring.unwrap(kek_id, wrapped, context=context), context=context)


def kek_rotate() -> KeyEncryptionKey:
    """Add a new active KEK (a keyring-file key, or a Transit key version) and return it."""
    ring = keyring()
    if isinstance(ring, TransitKeyring):
        return ring.rotate()
    return keyring_add_active(Path(settings.VAULT_KEYRING_FILE))


def kek_retire(kek_id: str) -> KeyEncryptionKey:
    """Retire the inactive KEK ``kek_id`` (the caller checks no live data key needs it)."""
    ring = keyring()
    if isinstance(ring, TransitKeyring):
        return ring.retire(kek_id)
    return keyring_retire(Path(settings.VAULT_KEYRING_FILE), kek_id)


def context_of(key_id: str) -> bytes:
    """Return the context bound into a version's stream and key wrap."""
    return f"chancery-vault-version:{key_id}".encode("ascii")


def read_chunks(file: crypto.Readable, *, chunk_size: int) -> Iterator[bytes]:
    """Yield ``file`` in pieces of ``chunk_size`` bytes."""
    while piece := file.read(chunk_size):
        yield piece


def seal(chunks: Iterable[bytes], *, max_size: int, store: BlobStore | None = None) -> SealedBlob:
    """Encrypt ``chunks`` under a new data key into a new blob; hash and count the plaintext on the way.

    Raises InvalidInput (and stores nothing) when the plaintext exceeds ``max_size`` bytes.
    """
    store = store or blob_store()
    key_id = secrets.token_hex(16)
    data_key = crypto.generate_data_key()
    digest = hashlib.sha256()
    counted = 0

    def measured() -> Iterator[bytes]:
        nonlocal counted
        for piece in chunks:
            counted += len(piece)
            if counted > max_size:
                message = _("The file is larger than the limit of %(max)s bytes.") % {"max": f"{max_size:,}"}
                raise InvalidInput(message, errors={"file": [message]})
            digest.update(piece)
            yield piece

    context = context_of(key_id)
    try:
        kek_id, wrapped = keyring().wrap(data_key, context=context)  # before writing: no blob if the keyring fails
    except KeyringError as exc:
        logger.error("data key could not be wrapped: %s", exc)
        message = _("The encryption keys are not available, so nothing was stored. Tell the administrators.")
        raise InvalidInput(message, errors={"file": [message]}) from None
    sealed = crypto.encrypt_chunks(measured(), key=data_key, context=context, chunk_size=settings.VAULT_CHUNK_BYTES)
    blob = store.write(sealed)
    return SealedBlob(
        key_id=key_id,
        kek_id=kek_id,
        wrapped_key=wrapped,
        blob_key=blob.key,
        stored_size=blob.size,
        size=counted,
        sha256=digest.hexdigest(),
    )


@dataclass(frozen=True, slots=True)
class SealedRef:
    """What is needed to open a stored version."""

    key_id: str
    kek_id: str
    wrapped_key: bytes | None
    blob_key: str


def _data_key(ref: SealedRef) -> bytes:
    if ref.wrapped_key is None:
        msg = "the data key was destroyed"
        raise crypto.IntegrityError(msg)
    try:
        return keyring().unwrap(ref.kek_id, bytes(ref.wrapped_key), context=context_of(ref.key_id))
    except KeyringError as exc:
        raise crypto.IntegrityError(str(exc)) from None


def verify(ref: SealedRef, *, store: BlobStore | None = None) -> int:
    """Authenticate the whole blob (no plaintext kept); return its plaintext size or raise IntegrityError."""
    store = store or blob_store()
    key = _data_key(ref)
    try:
        with store.open(ref.blob_key) as handle:
            return crypto.verify_stream(handle, key=key, context=context_of(ref.key_id))
    except BlobNotFound:
        msg = "the blob is missing"
        raise crypto.IntegrityError(msg) from None


def open_plaintext(ref: SealedRef, *, store: BlobStore | None = None) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk (each authenticated before it is yielded)."""
    store = store or blob_store()
    key = _data_key(ref)
    try:
        handle = store.open(ref.blob_key)
    except BlobNotFound:
        msg = "the blob is missing"
        raise crypto.IntegrityError(msg) from None
    with handle:
        yield from crypto.decrypt_stream(handle, key=key, context=context_of(ref.key_id))


def rewrap(ref: SealedRef) -> tuple[str, bytes]:
    """Return ``(active KEK id, data key rewrapped under it)`` for a stored version (content untouched)."""
    if ref.wrapped_key is None:
        msg = "the data key was destroyed"
        raise crypto.IntegrityError(msg)
    try:
        return kek_rewrap(ref.kek_id, bytes(ref.wrapped_key), context=context_of(ref.key_id))
    except KeyringError as exc:
        raise crypto.IntegrityError(str(exc)) from None
