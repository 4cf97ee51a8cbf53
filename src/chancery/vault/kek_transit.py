"""Key-encryption keys held by HashiCorp Vault's Transit engine (``CHANCERY_VAULT_KEK_BACKEND=transit``).

The KEK never leaves Vault: a data key is wrapped by ``POST /v1/<mount>/encrypt/<key>`` and unwrapped by
``POST /v1/<mount>/decrypt/<key>``, both with a ``context`` (the same bytes the file keyring binds into
its wraps), which requires a *derived* key (``derived=true``): a wrapped key only opens in its own
context. Each Transit key version is one KEK, named ``transit:<key>:v<N>`` in the ``kek_id`` columns; the
stored wrapped key is Vault's ciphertext (``vault:v<N>:…``).

Rotation: ``POST /v1/<mount>/keys/<key>/rotate`` adds a version, then every holder's keys are rewrapped
with ``POST /v1/<mount>/rewrap/<key>`` (Vault re-encrypts without showing the data key). Retirement raises
the key's ``min_decryption_version`` (Vault then refuses the older versions), one version at a time, oldest
first. The key is created (``aes256-gcm96``, derived) at first use when the token may.

Authentication: a token (``VAULT_TRANSIT_TOKEN``) or AppRole (``VAULT_TRANSIT_ROLE_ID`` and
``VAULT_TRANSIT_SECRET_ID``; the login is renewed when Vault answers 403). TLS is verified against the
system CAs or ``VAULT_TRANSIT_CA_FILE``. Keys wrapped by the file keyring (ids ``kek-…``) still unwrap
through it, so switching back-ends is ``chancery keys rotate`` (every key rewrapped into Transit).

Uses ``hvac`` (Apache-2.0), which speaks Vault's HTTP API.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hvac  # type: ignore[import-untyped]
import requests
from hvac import exceptions as hvac_errors

from chancery.vault.keyring import KeyEncryptionKey, Keyring, KeyringError, keyring_load, keyring_retire

KEK_PREFIX = "transit:"
MAX_KEY_NAME = 48  # the kek_id columns hold 64 characters: "transit:" + name + ":v" + version
KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
CIPHERTEXT = re.compile(r"^vault:v(\d{1,9}):[A-Za-z0-9+/=]+$")


@dataclass(frozen=True, slots=True)
class TransitConfig:
    """Where Vault is and how to authenticate (read from settings by :func:`transit_config`)."""

    url: str
    mount: str
    key: str
    token: str = ""
    role_id: str = ""
    secret_id: str = ""
    ca_file: str = ""
    timeout: float = 10.0

    def problems(self) -> list[str]:
        """Return what is wrong with the configuration (empty when usable)."""
        found = []
        if not self.url.startswith(("https://", "http://")):
            found.append("CHANCERY_VAULT_TRANSIT_URL must be the https:// address of Vault")
        if not KEY_NAME.match(self.key):
            found.append(f"CHANCERY_VAULT_TRANSIT_KEY must be 1-{MAX_KEY_NAME} letters, digits, '_', '.' or '-'")
        if not self.token and not (self.role_id and self.secret_id):
            found.append("set CHANCERY_VAULT_TRANSIT_TOKEN, or both CHANCERY_VAULT_TRANSIT_ROLE_ID and _SECRET_ID")
        if self.ca_file and not Path(self.ca_file).is_file():
            found.append("CHANCERY_VAULT_TRANSIT_CA_FILE names no file")
        return found


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def kek_id_of(key: str, version: int) -> str:
    """Return the ``kek_id`` recorded for version ``version`` of Transit key ``key``."""
    return f"{KEK_PREFIX}{key}:v{version}"


def version_of(ciphertext: bytes) -> int:
    """Return the key version a Transit ciphertext (``vault:v<N>:…``) was made with (KeyringError if none)."""
    match = CIPHERTEXT.match(ciphertext.decode("ascii", errors="replace"))
    if match is None:
        msg = "the wrapped key is not a Vault Transit ciphertext"
        raise KeyringError(msg)
    return int(match.group(1))


class TransitKeyring:
    """The Transit KEK back-end: the same surface as :class:`chancery.vault.keyring.Keyring`."""

    def __init__(self, config: TransitConfig, *, file_keyring: Path | None = None) -> None:
        """Prepare the client (no request yet); ``file_keyring`` still unwraps keys wrapped before Transit."""
        problems = config.problems()
        if problems:
            raise KeyringError("; ".join(problems))
        self.config = config
        self.file_keyring = file_keyring
        self._lock = threading.Lock()
        self._client: Any = None
        self._ready = False

    # --- Vault access -----------------------------------------------------------------------------

    def _login(self) -> Any:
        verify: str | bool = self.config.ca_file or True
        client = hvac.Client(url=self.config.url, verify=verify, timeout=self.config.timeout, allow_redirects=False)
        if self.config.token:
            client.token = self.config.token
        else:
            client.auth.approle.login(role_id=self.config.role_id, secret_id=self.config.secret_id)
        return client

    def _call(self, operation: str, function: Any) -> Any:
        """Run ``function(client)``; log in again once on 403 with AppRole; map failures to KeyringError."""
        for attempt in range(2):
            try:
                with self._lock:
                    if self._client is None:
                        self._client = self._login()
                    client = self._client
                return function(client)
            except hvac_errors.Forbidden:
                with self._lock:
                    self._client = None
                if attempt == 0 and not self.config.token:
                    continue  # the AppRole token expired: log in again
                msg = f"Vault refused the Transit {operation} (permission denied)"
                raise KeyringError(msg) from None
            except hvac_errors.VaultError as exc:
                errors = "; ".join(str(e) for e in (exc.errors or []))[:200] if isinstance(exc.errors, list) else ""
                msg = f"Vault Transit {operation} failed: {type(exc).__name__}" + (f" ({errors})" if errors else "")
                raise KeyringError(msg) from None
            except requests.RequestException as exc:
                with self._lock:
                    self._client = None
                msg = f"Vault cannot be reached for the Transit {operation}: {type(exc).__name__}"
                raise KeyringError(msg) from None
        msg = f"Vault refused the Transit {operation}"  # pragma: no cover - the loop returns or raises
        raise KeyringError(msg)

    def _read_key(self) -> dict[str, Any]:
        def read(client: Any) -> dict[str, Any]:
            answer = client.secrets.transit.read_key(name=self.config.key, mount_point=self.config.mount)
            return dict(answer["data"])

        return dict(self._call("key read", read))

    def _ensure_key(self) -> None:
        """Create the derived AES-256-GCM key at first use (a missing key the token cannot create is an error)."""
        if self._ready:
            return
        try:
            data = self._read_key()
        except KeyringError as error:
            if "InvalidPath" not in str(error):
                raise

            def create(client: Any) -> None:
                client.secrets.transit.create_key(
                    name=self.config.key, derived=True, key_type="aes256-gcm96", mount_point=self.config.mount
                )

            self._call("key creation", create)
            data = self._read_key()
        if not data.get("derived"):
            msg = f"Transit key {self.config.key!r} is not derived (create it with derived=true)"
            raise KeyringError(msg)
        self._ready = True

    # --- The keyring surface ----------------------------------------------------------------------

    @property
    def keys(self) -> tuple[KeyEncryptionKey, ...]:
        """Every KEK: the file keyring's (if any) then each Transit key version (material stays in Vault)."""
        self._ensure_key()
        data = self._read_key()
        latest = int(data["latest_version"])
        minimum = int(data.get("min_decryption_version") or 1)
        # Keys of the file keyring still unwrap what they wrapped, but none is active under Transit.
        found = [replace(kek, active=False) for kek in self._file().keys] if self._file_exists() else []
        for version_text, created in sorted(data.get("keys", {}).items(), key=lambda item: int(item[0])):
            version = int(version_text)
            found.append(
                KeyEncryptionKey(
                    id=kek_id_of(self.config.key, version),
                    key=b"" if version >= minimum else None,  # b"": usable, held by Vault; None: retired
                    created_at=_created(created),
                    retired_at=None if version >= minimum else _created(created),
                    active=version == latest,
                )
            )
        return tuple(found)

    def active(self) -> KeyEncryptionKey:
        """Return the Transit key version that wraps new data keys."""
        for kek in self.keys:
            if kek.active and kek.id.startswith(KEK_PREFIX):
                return kek
        msg = "the Transit key has no version"
        raise KeyringError(msg)

    def get(self, kek_id: str) -> KeyEncryptionKey:
        """Return the KEK named ``kek_id`` (KeyringError if unknown)."""
        for kek in self.keys:
            if kek.id == kek_id:
                return kek
        msg = f"unknown key-encryption key {kek_id}"
        raise KeyringError(msg)

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[str, bytes]:
        """Wrap ``data_key`` under the latest Transit version; return ``(kek id, Vault ciphertext)``."""
        self._ensure_key()

        def encrypt(client: Any) -> str:
            answer = client.secrets.transit.encrypt_data(
                name=self.config.key, plaintext=_b64(data_key), context=_b64(context), mount_point=self.config.mount
            )
            return str(answer["data"]["ciphertext"])

        ciphertext = self._call("encrypt", encrypt).encode("ascii")
        return kek_id_of(self.config.key, version_of(ciphertext)), ciphertext

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes:
        """Unwrap a data key (Transit ciphertexts through Vault, ``kek-…`` ids through the file keyring)."""
        if not kek_id.startswith(KEK_PREFIX):
            return self._file().unwrap(kek_id, wrapped, context=context)
        self._check_id(kek_id, wrapped)

        def decrypt(client: Any) -> bytes:
            answer = client.secrets.transit.decrypt_data(
                name=self.config.key,
                ciphertext=wrapped.decode("ascii"),
                context=_b64(context),
                mount_point=self.config.mount,
            )
            return base64.b64decode(answer["data"]["plaintext"], validate=True)

        return bytes(self._call("decrypt", decrypt))

    def rewrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> tuple[str, bytes]:
        """Rewrap under the latest version with Vault's ``rewrap`` (the data key never leaves Vault).

        A key wrapped by the file keyring is unwrapped locally and wrapped by Transit (the migration path).
        """
        if not kek_id.startswith(KEK_PREFIX):
            return self.wrap(self._file().unwrap(kek_id, wrapped, context=context), context=context)
        self._check_id(kek_id, wrapped)

        def rewrap(client: Any) -> str:
            answer = client.secrets.transit.rewrap_data(
                name=self.config.key,
                ciphertext=wrapped.decode("ascii"),
                context=_b64(context),
                mount_point=self.config.mount,
            )
            return str(answer["data"]["ciphertext"])

        ciphertext = self._call("rewrap", rewrap).encode("ascii")
        return kek_id_of(self.config.key, version_of(ciphertext)), ciphertext

    def rotate(self) -> KeyEncryptionKey:
        """Add a Transit key version (it becomes the active KEK) and return it."""
        self._ensure_key()

        def rotate(client: Any) -> None:
            client.secrets.transit.rotate_key(name=self.config.key, mount_point=self.config.mount)

        self._call("rotation", rotate)
        return self.active()

    def retire(self, kek_id: str) -> KeyEncryptionKey:
        """Retire an inactive KEK: a ``kek-…`` file key is erased; a Transit version must be the oldest live.

        For Transit, raises ``min_decryption_version`` past it (KeyringError for the active version or one
        with a live older version, which would be retired with it). The caller checks it is unused.
        """
        if not kek_id.startswith(KEK_PREFIX):
            if self.file_keyring is None:
                msg = f"unknown key-encryption key {kek_id}"
                raise KeyringError(msg)
            return keyring_retire(self.file_keyring, kek_id, superseded=True)  # Transit wraps new keys now
        target = self.get(kek_id)
        if target.active:
            msg = f"key-encryption key {kek_id} is active; rotate before retiring it"
            raise KeyringError(msg)
        data = self._read_key()
        version = int(kek_id.rsplit(":v", 1)[1])
        minimum = int(data.get("min_decryption_version") or 1)
        if version < minimum:
            return target
        if version != minimum:
            msg = f"retire Transit version {minimum} before version {version}"
            raise KeyringError(msg)

        def configure(client: Any) -> None:
            client.secrets.transit.update_key_configuration(
                name=self.config.key, min_decryption_version=version + 1, mount_point=self.config.mount
            )

        self._call("key configuration", configure)
        return self.get(kek_id)

    def describe(self) -> str:
        """Return a one-line state for ``chancery check`` (raises KeyringError when Vault does not answer)."""
        self._ensure_key()
        data = self._read_key()
        return (
            f"Vault Transit key {self.config.key!r} at {self.config.url}: version {data['latest_version']} active, "
            f"versions below {data.get('min_decryption_version') or 1} retired."
        )

    # --- Helpers --------------------------------------------------------------------------------------

    def _check_id(self, kek_id: str, wrapped: bytes) -> None:
        prefix = f"{KEK_PREFIX}{self.config.key}:v"
        if not kek_id.startswith(prefix) or kek_id != kek_id_of(self.config.key, version_of(wrapped)):
            msg = f"the wrapped key does not belong to {kek_id}"
            raise KeyringError(msg)

    def _file_exists(self) -> bool:
        return self.file_keyring is not None and self.file_keyring.is_file()

    def _file(self) -> Keyring:
        if not self._file_exists():
            msg = "a key wrapped by the file keyring, but there is no keyring file"
            raise KeyringError(msg)
        assert self.file_keyring is not None
        return keyring_load(self.file_keyring)


def _created(value: object) -> datetime:
    """Vault reports a version's creation as Unix seconds (older releases) or an RFC 3339 string."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")[:32])
    except ValueError:
        return datetime.fromtimestamp(0, tz=UTC)


_cache: dict[TransitConfig, TransitKeyring] = {}
_cache_lock = threading.Lock()


def transit_keyring(config: TransitConfig, *, file_keyring: Path | None) -> TransitKeyring:
    """Return the (cached, so logins are reused) Transit back-end for ``config``."""
    with _cache_lock:
        existing = _cache.get(config)
        if existing is None or existing.file_keyring != file_keyring:
            existing = TransitKeyring(config, file_keyring=file_keyring)
            _cache[config] = existing
        return existing
