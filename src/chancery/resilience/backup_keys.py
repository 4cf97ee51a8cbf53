"""The offline backup key: hybrid X25519 + ML-KEM-768, so an archive stays safe if either one falls.

The public half (``backup-public.json``) sits on the server and is all ``chancery backup create`` needs;
the private half (``backup-private.json``) is kept offline and is needed only to verify or restore.
Each archive encapsulates a fresh content key to both: an ephemeral X25519 exchange and an ML-KEM-768
encapsulation, combined with HKDF-SHA256 over both shared secrets and everything in the archive header.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PUBLIC_FORMAT = "chancery-backup-public-key/1"
PRIVATE_FORMAT = "chancery-backup-private-key/1"
KDF_INFO = b"chancery-backup/1 content key"


class BackupKeyError(Exception):
    """A backup key file is missing, malformed, or not the key an archive was made for."""


@dataclass(frozen=True, slots=True)
class BackupPublicKey:
    """The public half: what the server holds to create archives."""

    x25519: x25519.X25519PublicKey
    mlkem: mlkem.MLKEM768PublicKey

    def raw(self) -> bytes:
        """Both public keys, concatenated (X25519 first)."""
        return self.x25519.public_bytes_raw() + self.mlkem.public_bytes_raw()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of both public keys, hex: names the key in archive headers and error messages."""
        return hashlib.sha256(self.raw()).hexdigest()


@dataclass(frozen=True, slots=True)
class BackupPrivateKey:
    """The private half: kept offline, used to verify and restore."""

    x25519: x25519.X25519PrivateKey
    mlkem: mlkem.MLKEM768PrivateKey

    def public(self) -> BackupPublicKey:
        """The matching public key."""
        return BackupPublicKey(x25519=self.x25519.public_key(), mlkem=self.mlkem.public_key())


@dataclass(frozen=True, slots=True)
class Encapsulation:
    """What an archive header carries so the private key can rebuild its content key."""

    ephemeral_x25519: bytes
    mlkem_ciphertext: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        msg = f"the backup key file lacks {what}"
        raise BackupKeyError(msg)
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        msg = f"the backup key file's {what} is not base64"
        raise BackupKeyError(msg) from None


def _write_private(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(data)


def backup_keys_generate(*, private_path: Path, public_path: Path) -> BackupPublicKey:
    """Create a new backup key pair; the private file is written 0600 and never overwritten.

    Raises FileExistsError when either file exists (a key pair is replaced on purpose, by hand).
    """
    if private_path.exists() or public_path.exists():
        msg = f"{private_path if private_path.exists() else public_path} already exists"
        raise FileExistsError(msg)
    private = BackupPrivateKey(x25519=x25519.X25519PrivateKey.generate(), mlkem=mlkem.MLKEM768PrivateKey.generate())
    public = private.public()
    _write_private(
        private_path,
        json.dumps(
            {
                "format": PRIVATE_FORMAT,
                "fingerprint": public.fingerprint,
                "x25519": _b64(private.x25519.private_bytes_raw()),
                "mlkem768_seed": _b64(private.mlkem.private_bytes_raw()),
            },
            indent=2,
        ),
    )
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_text(
        json.dumps(
            {
                "format": PUBLIC_FORMAT,
                "fingerprint": public.fingerprint,
                "x25519": _b64(public.x25519.public_bytes_raw()),
                "mlkem768": _b64(public.mlkem.public_bytes_raw()),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return public


def _read_json(path: Path, expected_format: str) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"no backup key at {path}"
        raise BackupKeyError(msg) from None
    except (OSError, ValueError) as exc:
        msg = f"the backup key file {path} cannot be read: {exc}"
        raise BackupKeyError(msg) from None
    if not isinstance(data, dict) or data.get("format") != expected_format:
        msg = f"{path} is not a {expected_format} file"
        raise BackupKeyError(msg)
    return data


def backup_public_key_load(path: Path) -> BackupPublicKey:
    """Read a public key file (raises BackupKeyError when missing or malformed)."""
    data = _read_json(path, PUBLIC_FORMAT)
    try:
        key = BackupPublicKey(
            x25519=x25519.X25519PublicKey.from_public_bytes(_unb64(data.get("x25519"), "x25519")),
            mlkem=mlkem.MLKEM768PublicKey.from_public_bytes(_unb64(data.get("mlkem768"), "mlkem768")),
        )
    except ValueError as exc:
        msg = f"{path} holds an invalid public key: {exc}"
        raise BackupKeyError(msg) from None
    return key


def backup_private_key_load(path: Path) -> BackupPrivateKey:
    """Read a private key file (raises BackupKeyError when missing or malformed)."""
    data = _read_json(path, PRIVATE_FORMAT)
    try:
        key = BackupPrivateKey(
            x25519=x25519.X25519PrivateKey.from_private_bytes(_unb64(data.get("x25519"), "x25519")),
            mlkem=mlkem.MLKEM768PrivateKey.from_seed_bytes(_unb64(data.get("mlkem768_seed"), "mlkem768_seed")),
        )
    except ValueError as exc:
        msg = f"{path} holds an invalid private key: {exc}"
        raise BackupKeyError(msg) from None
    return key


def _derive(x_shared: bytes, k_shared: bytes, transcript: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO + transcript).derive(x_shared + k_shared)


def content_key_encapsulate(public: BackupPublicKey, *, transcript: bytes) -> tuple[bytes, Encapsulation]:
    """Return a fresh content key and what the header must carry to rebuild it.

    ``transcript`` (the archive's other header fields) is bound into the key derivation.
    """
    ephemeral = x25519.X25519PrivateKey.generate()
    x_shared = ephemeral.exchange(public.x25519)
    k_shared, ciphertext = public.mlkem.encapsulate()
    capsule = Encapsulation(ephemeral_x25519=ephemeral.public_key().public_bytes_raw(), mlkem_ciphertext=ciphertext)
    return _derive(x_shared, k_shared, transcript + capsule.ephemeral_x25519 + ciphertext), capsule


def content_key_decapsulate(private: BackupPrivateKey, capsule: Encapsulation, *, transcript: bytes) -> bytes:
    """Rebuild the content key of an archive from its header (raises ValueError on malformed input)."""
    x_shared = private.x25519.exchange(x25519.X25519PublicKey.from_public_bytes(capsule.ephemeral_x25519))
    k_shared = private.mlkem.decapsulate(capsule.mlkem_ciphertext)
    return _derive(x_shared, k_shared, transcript + capsule.ephemeral_x25519 + capsule.mlkem_ciphertext)
