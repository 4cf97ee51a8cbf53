"""The key-encryption keys (KEKs) that wrap every document version's data key.

The keyring is a JSON file (``var/vault/keyring.json``, or ``CHANCERY_KEYRING_FILE``), mode 0600,
generated at first use::

    {"format": 1, "keys": [{"id": "kek-…", "key": "<base64>", "created_at": "…", "retired_at": null,
                            "active": true}, …]}

Exactly one key is active (new data keys are wrapped under it). Rotation adds a new active key; the
vault then rewraps every data key under it (see :func:`chancery.vault.services.keys_rotate`). Retiring a
key erases its material from the file and keeps its id and dates as a record; the vault retires a key only
when no data key is wrapped under it. Writes are atomic (temporary file, fsync, rename) under a file lock.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chancery.vault import crypto

KEYRING_FORMAT = 1


class KeyringError(Exception):
    """The keyring is missing a key, malformed, or asked to do something unsafe."""


@dataclass(frozen=True, slots=True)
class KeyEncryptionKey:
    """One KEK: its id, its material (None once retired), dates and whether it wraps new keys."""

    id: str
    key: bytes | None
    created_at: datetime
    retired_at: datetime | None
    active: bool

    def as_json(self) -> dict[str, Any]:
        """Return the key's JSON form as stored in the keyring file."""
        return {
            "id": self.id,
            "key": base64.b64encode(self.key).decode("ascii") if self.key is not None else None,
            "created_at": self.created_at.isoformat(),
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
            "active": self.active,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KeyEncryptionKey:
        """Parse one entry of the keyring file (raise KeyringError when it is malformed)."""
        try:
            material = base64.b64decode(raw["key"], validate=True) if raw.get("key") else None
            if material is not None and len(material) != crypto.KEY_BYTES:
                msg = f"key {raw['id']} is not 32 bytes"
                raise KeyringError(msg)
            return cls(
                id=str(raw["id"]),
                key=material,
                created_at=datetime.fromisoformat(raw["created_at"]),
                retired_at=datetime.fromisoformat(raw["retired_at"]) if raw.get("retired_at") else None,
                active=bool(raw.get("active", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"malformed keyring entry: {exc}"
            raise KeyringError(msg) from None


@dataclass(frozen=True, slots=True)
class Keyring:
    """The parsed keyring: wraps data keys under the active KEK, unwraps under any unretired one."""

    keys: tuple[KeyEncryptionKey, ...]

    def active(self) -> KeyEncryptionKey:
        """Return the key that wraps new data keys."""
        for kek in self.keys:
            if kek.active and kek.key is not None:
                return kek
        msg = "the keyring has no active key"
        raise KeyringError(msg)

    def get(self, kek_id: str) -> KeyEncryptionKey:
        """Return the key named ``kek_id`` (raise KeyringError if unknown)."""
        for kek in self.keys:
            if kek.id == kek_id:
                return kek
        msg = f"unknown key-encryption key {kek_id}"
        raise KeyringError(msg)

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[str, bytes]:
        """Wrap ``data_key`` under the active KEK; return ``(kek id, wrapped key)``."""
        kek = self.active()
        assert kek.key is not None
        return kek.id, crypto.wrap_key(data_key, kek=kek.key, kek_id=kek.id, context=context)

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes:
        """Unwrap a data key wrapped under ``kek_id`` (raise KeyringError if that key is retired)."""
        kek = self.get(kek_id)
        if kek.key is None:
            msg = f"key-encryption key {kek_id} is retired"
            raise KeyringError(msg)
        return crypto.unwrap_key(wrapped, kek=kek.key, kek_id=kek.id, context=context)


def _new_key(*, active: bool) -> KeyEncryptionKey:
    now = datetime.now(tz=UTC)
    return KeyEncryptionKey(
        id=f"kek-{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}",
        key=crypto.generate_data_key(),
        created_at=now,
        retired_at=None,
        active=active,
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _read(path: Path) -> Keyring | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        msg = f"the keyring file cannot be read: {exc}"
        raise KeyringError(msg) from None
    if not isinstance(raw, dict) or raw.get("format") != KEYRING_FORMAT or not isinstance(raw.get("keys"), list):
        msg = "the keyring file is not a Chancery keyring"
        raise KeyringError(msg)
    return Keyring(keys=tuple(KeyEncryptionKey.from_json(entry) for entry in raw["keys"]))


def _write(path: Path, keyring: Keyring) -> None:
    data = json.dumps({"format": KEYRING_FORMAT, "keys": [k.as_json() for k in keyring.keys]}, indent=2)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def keyring_load(path: Path) -> Keyring:
    """Return the keyring at ``path``, creating it (0600, one active key) at first use."""
    existing = _read(path)
    if existing is not None:
        return existing
    with _locked(path):
        existing = _read(path)
        if existing is not None:
            return existing
        created = Keyring(keys=(_new_key(active=True),))
        _write(path, created)
        return created


def keyring_add_active(path: Path) -> KeyEncryptionKey:
    """Add a new key and make it the active one (the previous keys stay usable for unwrapping)."""
    with _locked(path):
        current = _read(path) or Keyring(keys=())
        new = _new_key(active=True)
        kept = tuple(
            KeyEncryptionKey(id=k.id, key=k.key, created_at=k.created_at, retired_at=k.retired_at, active=False)
            for k in current.keys
        )
        _write(path, Keyring(keys=(*kept, new)))
        return new


def keyring_retire(path: Path, kek_id: str, *, superseded: bool = False) -> KeyEncryptionKey:
    """Erase the material of inactive key ``kek_id`` and record when (the caller checks it is unused).

    ``superseded`` allows retiring the file's active key once another back-end (Vault Transit) wraps
    new keys instead.
    """
    with _locked(path):
        current = _read(path)
        if current is None:
            msg = "there is no keyring"
            raise KeyringError(msg)
        target = current.get(kek_id)
        if target.active and not superseded:
            msg = f"key-encryption key {kek_id} is active; rotate before retiring it"
            raise KeyringError(msg)
        retired = KeyEncryptionKey(
            id=target.id,
            key=None,
            created_at=target.created_at,
            retired_at=target.retired_at or datetime.now(tz=UTC),
            active=False,
        )
        _write(path, Keyring(keys=tuple(retired if k.id == kek_id else k for k in current.keys)))
        return retired
