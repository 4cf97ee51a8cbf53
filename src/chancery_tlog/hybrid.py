r"""Post-quantum hybrid checkpoint signing: Ed25519 (``0x01``) + ML-DSA-44 (``0x06``).

The C2SP specs define one ML-DSA encoding, and this module uses it exactly:
the ML-DSA-44 *cosignature* of https://c2sp.org/tlog-cosignature (signed-note
signature type ``0x06``), which tlog-checkpoint §Signatures recommends logs
use to sign their own checkpoints ("Logs SHOULD use ML-DSA-44 cosignatures
to sign the checkpoint").  No experimental ``0xff`` type is needed.

* key ID = ``SHA-256(<name> || "\n" || 0x06 || 1312-byte public key)[:4]``
* vkey   = ``<name>+<hex id>+base64(0x06 || 1312-byte public key)``
* signature bytes = ``u64 big-endian timestamp || 2420-byte ML-DSA-44 signature``
* signed message (TLS presentation language, RFC 8446 §3)::

      struct {
          uint8 label[12] = "subtree/v1\n\0";
          opaque cosigner_name<1..2^8-1>;
          uint64 timestamp;
          opaque log_origin<1..2^8-1>;
          uint64 start;     /* 0 for a checkpoint */
          uint64 end;       /* tree size for a checkpoint */
          uint8 hash[32];
      } cosigned_message;

  signed with pure ML-DSA-44 (FIPS 204) and an empty context string.

The ML-DSA message does not cover checkpoint extension lines; only the
Ed25519 signature does.  :func:`open_checkpoint` therefore refuses a
checkpoint with extension lines when the policy accepts it on the ML-DSA
signature alone.

Project-specific encoding: the signer key (skey) is
``PRIVATE+KEY+<name>+<hex id>+base64(0x06 || 32-byte FIPS 204 seed ξ)``,
mirroring x/mod/sumdb/note; the specs define no private key encoding.

A log signs each checkpoint with both keys under the same key name (its
origin); verifiers configured with a :class:`HybridPolicy` can require the
classical signature, the post-quantum one, either, or both.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.mldsa import (
    MLDSA44PrivateKey,
    MLDSA44PublicKey,
)

from .checkpoint import (
    MAX_TIMESTAMP,
    MAX_TREE_SIZE,
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    MalformedCheckpointError,
    OriginMismatchError,
    TimestampedSigner,
    TimestampedVerifier,
    verified_cosignatures,
)
from .merkle import HASH_SIZE
from .note import (
    MalformedKeyError,
    NoteError,
    NoteSigner,
    NoteVerifier,
    Signature,
    Signer,
    Verifier,
    open_note,
    parse_skey,
    parse_vkey,
    sign_note,
)

__all__ = [
    "MLDSA44_PUBLIC_KEY_SIZE",
    "MLDSA44_SIGNATURE_SIZE",
    "SIGNATURE_TYPE_MLDSA44",
    "SUBTREE_LABEL",
    "HybridCheckpoint",
    "HybridLogSigner",
    "HybridPolicy",
    "HybridPolicyError",
    "MLDSASigner",
    "MLDSAVerifier",
    "Requirement",
    "open_checkpoint",
    "signer_from_skey",
    "subtree_message",
    "verifier_from_vkey",
]

SIGNATURE_TYPE_MLDSA44 = 0x06
"""signed-note type of tlog-cosignature ML-DSA-44 (subtree/v1) cosignatures."""

MLDSA44_PUBLIC_KEY_SIZE = 1312
MLDSA44_SIGNATURE_SIZE = 2420
SUBTREE_LABEL = b"subtree/v1\n\x00"
"""The 12-byte ``cosigned_message.label``."""


class HybridPolicyError(NoteError):
    """The verified signatures do not satisfy the :class:`HybridPolicy`."""


def _opaque8(data: bytes) -> bytes:
    if not 1 <= len(data) <= 255:
        raise ValueError("opaque<1..2^8-1> must hold 1 to 255 bytes")
    return bytes([len(data)]) + data


def subtree_message(cosigner_name: str, *, timestamp: int, log_origin: str, start: int, end: int, root: bytes) -> bytes:
    """Serialize tlog-cosignature §ML-DSA-44 ``cosigned_message``.

    Raises ``ValueError`` on out-of-range fields (names longer than 255 UTF-8
    bytes, integers outside uint64, a non-zero timestamp with non-zero start,
    a hash that is not 32 bytes).
    """
    for value in (timestamp, start, end):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TREE_SIZE:
            raise ValueError("uint64 field out of range")
    if timestamp > MAX_TIMESTAMP:
        raise ValueError("timestamp out of range")
    if start and timestamp:
        raise ValueError("timestamp must be zero when start is not zero")
    if start > end:
        raise ValueError("start must not exceed end")
    if not isinstance(root, bytes) or len(root) != HASH_SIZE:
        raise ValueError("hash must be 32 bytes")
    return (
        SUBTREE_LABEL
        + _opaque8(cosigner_name.encode("utf-8"))
        + timestamp.to_bytes(8, "big")
        + _opaque8(log_origin.encode("utf-8"))
        + start.to_bytes(8, "big")
        + end.to_bytes(8, "big")
        + root
    )


class MLDSAVerifier(TimestampedVerifier[MLDSA44PublicKey]):
    """Verifier of ML-DSA-44 checkpoint (co)signatures, signature type ``0x06``."""

    signature_type = SIGNATURE_TYPE_MLDSA44
    algorithm = "ML-DSA-44"
    key_kind = "an ML-DSA-44 (0x06)"
    public_key_size = MLDSA44_PUBLIC_KEY_SIZE
    max_name_bytes = 255  # subtree_message length-prefixes the name in one byte

    @staticmethod
    def _load_public_key(raw: bytes) -> MLDSA44PublicKey:
        return MLDSA44PublicKey.from_public_bytes(raw)

    def verify_subtree(self, message_fields: tuple[int, str, int, int, bytes], sig: bytes) -> bool:
        """Verify a raw ML-DSA-44 signature over ``(timestamp, origin, start, end, hash)``."""
        timestamp, origin, start, end, root = message_fields
        try:
            msg = subtree_message(self._name, timestamp=timestamp, log_origin=origin, start=start, end=end, root=root)
            self._key.verify(sig, msg)
        except (ValueError, InvalidSignature):
            return False
        return True

    def verify_timestamp(self, msg: bytes, sig: bytes) -> int | None:
        """Verify a cosignature over the checkpoint body ``msg``; return its timestamp."""
        if len(sig) != 8 + MLDSA44_SIGNATURE_SIZE:
            return None
        try:
            cp = Checkpoint.parse(msg)
        except MalformedCheckpointError:
            return None
        timestamp = int.from_bytes(sig[:8], "big")
        if not self.verify_subtree((timestamp, cp.origin, 0, cp.size, cp.root_hash), sig[8:]):
            return None
        return timestamp


class MLDSASigner(TimestampedSigner[MLDSA44PrivateKey]):
    """ML-DSA-44 checkpoint (co)signer, signature type ``0x06``.

    ``clock`` gives the POSIX time written in the timestamp; pass
    ``lambda: 0`` to make no "largest tree observed" statement (allowed by
    tlog-cosignature for ``0x06``).
    """

    signature_type = SIGNATURE_TYPE_MLDSA44
    algorithm = "ML-DSA-44"
    key_kind = "an ML-DSA-44 (0x06)"
    max_name_bytes = 255

    @staticmethod
    def _load_seed(seed: bytes) -> MLDSA44PrivateKey:
        return MLDSA44PrivateKey.from_seed_bytes(seed)

    @staticmethod
    def _public_bytes(key: MLDSA44PrivateKey) -> bytes:
        return key.public_key().public_bytes_raw()

    def verifier(self) -> MLDSAVerifier:
        """The matching :class:`MLDSAVerifier`."""
        return MLDSAVerifier(self._name, self._public_key)

    def sign_subtree(self, *, timestamp: int, origin: str, start: int, end: int, root: bytes) -> bytes:
        """Raw ML-DSA-44 signature over a ``cosigned_message``."""
        msg = subtree_message(self._name, timestamp=timestamp, log_origin=origin, start=start, end=end, root=root)
        return self._key.sign(msg)

    def sign_at(self, msg: bytes, timestamp: int) -> bytes:
        """Cosign the checkpoint body ``msg`` with an explicit timestamp."""
        try:
            cp = Checkpoint.parse(msg)
        except MalformedCheckpointError as exc:
            raise ValueError("ML-DSA-44 cosignatures only sign checkpoints") from exc
        raw = self.sign_subtree(timestamp=timestamp, origin=cp.origin, start=0, end=cp.size, root=cp.root_hash)
        return timestamp.to_bytes(8, "big") + raw


def verifier_from_vkey(vkey: str) -> NoteVerifier:
    """Build the verifier matching a vkey's signature type (0x01, 0x04 or 0x06)."""
    _, _, material = parse_vkey(vkey)
    kind = material[0]
    if kind == Verifier.signature_type:
        return Verifier.from_vkey(vkey)
    if kind == CosignatureVerifier.signature_type:
        return CosignatureVerifier.from_vkey(vkey)
    if kind == MLDSAVerifier.signature_type:
        return MLDSAVerifier.from_vkey(vkey)
    raise MalformedKeyError(f"unsupported signature type 0x{kind:02x}")


def signer_from_skey(skey: str) -> NoteSigner:
    """Build the signer matching an skey's signature type (0x01, 0x04 or 0x06)."""
    _, _, material = parse_skey(skey)
    kind = material[0]
    if kind == Signer.signature_type:
        return Signer.from_skey(skey)
    if kind == CosignatureSigner.signature_type:
        return CosignatureSigner.from_skey(skey)
    if kind == MLDSASigner.signature_type:
        return MLDSASigner.from_skey(skey)
    raise MalformedKeyError(f"unsupported signature type 0x{kind:02x}")


class Requirement(enum.Enum):
    """Which of the log's two signatures a verifier insists on."""

    BOTH = "both"
    EITHER = "either"
    CLASSICAL = "classical"
    POST_QUANTUM = "post-quantum"


@dataclass(frozen=True)
class HybridPolicy:
    """The log's classical and post-quantum verifiers and the requirement."""

    classical: NoteVerifier | None
    post_quantum: MLDSAVerifier | None
    require: Requirement = Requirement.BOTH

    def __post_init__(self) -> None:
        if self.classical is None and self.post_quantum is None:
            raise ValueError("a hybrid policy needs at least one log key")
        if self.require in (Requirement.BOTH, Requirement.CLASSICAL) and self.classical is None:
            raise ValueError("policy requires a classical key")
        if self.require in (Requirement.BOTH, Requirement.POST_QUANTUM) and self.post_quantum is None:
            raise ValueError("policy requires a post-quantum key")

    def verifiers(self) -> list[NoteVerifier]:
        """The configured log verifiers."""
        return [v for v in (self.classical, self.post_quantum) if v is not None]


@dataclass(frozen=True)
class HybridCheckpoint:
    """Result of :func:`open_checkpoint`."""

    checkpoint: Checkpoint
    signatures: list[Signature]
    classical: bool
    post_quantum: bool
    cosignatures: dict[tuple[str, int], int] = field(default_factory=dict)


def _verified(sigs: Iterable[Signature], verifiers: Iterable[NoteVerifier]) -> bool:
    ids = {(v.name, v.key_id) for v in verifiers}
    return any((s.name, s.key_id) in ids for s in sigs)


def _split_log_keys(
    policy: HybridPolicy | Iterable[NoteVerifier], require: Requirement | str | None
) -> tuple[list[NoteVerifier], list[NoteVerifier], Requirement]:
    """Return (classical log keys, ML-DSA log keys, requirement)."""
    if isinstance(policy, HybridPolicy):
        classical = [policy.classical] if policy.classical is not None else []
        post_quantum: list[NoteVerifier] = [policy.post_quantum] if policy.post_quantum is not None else []
        default = policy.require
    else:
        keys = list(policy)
        classical = [v for v in keys if not isinstance(v, MLDSAVerifier)]
        post_quantum = [v for v in keys if isinstance(v, MLDSAVerifier)]
        default = Requirement.BOTH
    req = default if require is None else Requirement(require)
    return classical, post_quantum, req


def open_checkpoint(
    note: str | bytes,
    policy: HybridPolicy | Iterable[NoteVerifier],
    *,
    require: Requirement | str | None = None,
    cosigners: Iterable[NoteVerifier] = (),
    origin: str | None = None,
) -> HybridCheckpoint:
    """Verify a hybrid-signed checkpoint.

    ``policy`` is a :class:`HybridPolicy`, or simply the log's verifiers
    (:class:`MLDSAVerifier` instances count as post-quantum, every other
    verifier as classical) with ``require`` (default ``"both"``; overrides the
    policy's requirement when given).

    Runs :func:`~chancery_tlog.note.open_note` with the log keys and the
    ``cosigners`` (any invalid signature by a known key rejects the note),
    parses the checkpoint, checks ``origin`` if given, then enforces the
    requirement.  Raises :class:`HybridPolicyError` when the required
    signature(s) are missing, or when only the ML-DSA signature is relied on
    and the checkpoint has (unsigned by it) extension lines.
    """
    classical_keys, pq_keys, req = _split_log_keys(policy, require)
    cosigners = list(cosigners)
    text, sigs = open_note(note, [*classical_keys, *pq_keys, *cosigners])
    cp = Checkpoint.parse(text)
    if origin is not None and cp.origin != origin:
        raise OriginMismatchError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    classical = _verified(sigs, classical_keys)
    post_quantum = _verified(sigs, pq_keys)
    ok = {
        Requirement.BOTH: classical and post_quantum,
        Requirement.EITHER: classical or post_quantum,
        Requirement.CLASSICAL: classical,
        Requirement.POST_QUANTUM: post_quantum,
    }[req]
    if not ok:
        raise HybridPolicyError(f"checkpoint does not satisfy the {req.value} signature requirement")
    if cp.extensions and not classical:
        raise HybridPolicyError("extension lines are not covered by the ML-DSA-44 signature")
    return HybridCheckpoint(cp, sigs, classical, post_quantum, verified_cosignatures(sigs, cosigners))


class HybridLogSigner:
    """A log's Ed25519 + ML-DSA-44 checkpoint signer pair (same key name)."""

    def __init__(self, classical: Signer, post_quantum: MLDSASigner) -> None:
        if classical.name != post_quantum.name:
            raise ValueError("both log keys must use the same key name")
        self.classical = classical
        self.post_quantum = post_quantum

    @classmethod
    def generate(cls, origin: str, clock: Callable[[], float] = time.time) -> HybridLogSigner:
        """Generate both keys for a log named after its origin."""
        return cls(Signer.generate(origin), MLDSASigner.generate(origin, clock=clock))

    @property
    def name(self) -> str:
        """The log key name (normally the origin)."""
        return self.classical.name

    def policy(self, require: Requirement = Requirement.BOTH) -> HybridPolicy:
        """A :class:`HybridPolicy` for these keys."""
        return HybridPolicy(self.classical.verifier(), self.post_quantum.verifier(), require)

    def sign(self, checkpoint: Checkpoint) -> str:
        """Sign the checkpoint with both keys and return the note."""
        if checkpoint.origin != self.name:
            raise OriginMismatchError("log keys must be named after the checkpoint origin")
        return sign_note(checkpoint.format(), [self.classical, self.post_quantum])
