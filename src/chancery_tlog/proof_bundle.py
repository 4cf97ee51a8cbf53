"""C2SP tlog-proof: offline-verifiable proofs of logging ("spicy signatures").

Format (https://c2sp.org/tlog-proof §Format)::

    c2sp.org/tlog-proof@v1
    [extra <base64 opaque data>]
    index <decimal, no leading zeroes>
    <base64 inclusion proof hash>        (zero or more, leaf sibling first)

    <signed checkpoint note, verbatim>

Files SHOULD use the ``.tlog-proof`` extension.  The ``extra`` data is NOT
authenticated; :func:`verify_bundle` returns it but never trusts it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from .checkpoint import Checkpoint, OriginMismatchError, open_checkpoint, parse_decimal
from .merkle import HASH_SIZE, leaf_hash, verify_inclusion
from .note import NoteError, NoteVerifier, Signature, b64decode_strict, parse_note
from .policy import Policy

__all__ = [
    "HEADER",
    "MAX_PROOF_HASHES",
    "InclusionProofError",
    "LeafHash",
    "MalformedProofBundleError",
    "ProofBundle",
    "VerifiedBundle",
    "verify_bundle",
]

HEADER = "c2sp.org/tlog-proof@v1"
"""First line of every proof."""

MAX_PROOF_HASHES = 64
"""Longest inclusion proof possible in a tree of fewer than 2^64 leaves."""

MAX_BUNDLE_CHARS = 1 << 20


class MalformedProofBundleError(ValueError):
    """The text is not a well-formed tlog-proof."""


class InclusionProofError(NoteError):
    """The inclusion proof does not verify against the verified checkpoint."""


class LeafHash(bytes):
    """Marks a value passed to :func:`verify_bundle` as a leaf hash, not entry data."""


@dataclass(frozen=True)
class ProofBundle:
    """A parsed tlog-proof."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: str
    extra: bytes | None = None

    def format(self) -> str:
        """Serialize as a tlog-proof text."""
        if isinstance(self.index, bool) or not isinstance(self.index, int) or self.index < 0:
            raise ValueError("index must be a non-negative integer")
        if len(self.proof) > MAX_PROOF_HASHES:
            raise ValueError("inclusion proof too long")
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode("ascii"))
        lines.append(f"index {self.index}")
        for h in self.proof:
            if not isinstance(h, bytes) or len(h) != HASH_SIZE:
                raise ValueError("proof hashes must be 32 bytes")
            lines.append(base64.b64encode(h).decode("ascii"))
        return "\n".join(lines) + "\n\n" + self.checkpoint_note

    @classmethod
    def parse(cls, text: str | bytes) -> ProofBundle:
        """Strictly parse a tlog-proof; raise :class:`MalformedProofBundleError`.

        The checkpoint must be a syntactically valid signed note whose text is
        a valid checkpoint; signatures are checked by :func:`verify_bundle`.
        """
        rest = _decode(text)
        header, sep, rest = rest.partition("\n")
        if not sep or header != HEADER:
            raise MalformedProofBundleError("missing c2sp.org/tlog-proof@v1 header")
        extra, rest = _parse_extra(rest)
        line, sep, rest = rest.partition("\n")
        if not sep or not line.startswith("index "):
            raise MalformedProofBundleError("missing index line")
        try:
            index = parse_decimal(line[len("index ") :])
        except ValueError as exc:
            raise MalformedProofBundleError("invalid index") from exc
        proof, note = _parse_hash_lines(rest)
        try:
            Checkpoint.parse(parse_note(note).text)
        except NoteError as exc:
            raise MalformedProofBundleError(f"malformed checkpoint: {exc}") from exc
        return cls(index, tuple(proof), note, extra)


def _decode(text: str | bytes) -> str:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedProofBundleError("proof is not valid UTF-8") from exc
    if not isinstance(text, str):
        raise MalformedProofBundleError("proof must be str or bytes")
    if len(text) > MAX_BUNDLE_CHARS:
        raise MalformedProofBundleError("proof too large")
    return text


def _parse_extra(rest: str) -> tuple[bytes | None, str]:
    """Consume the optional ``extra <base64>`` line."""
    line, sep, after = rest.partition("\n")
    if not sep or not line.startswith("extra "):
        return None, rest
    try:
        return b64decode_strict(line[len("extra ") :]), after
    except ValueError as exc:
        raise MalformedProofBundleError("extra data is not base64") from exc


def _parse_hash_lines(rest: str) -> tuple[list[bytes], str]:
    """Consume inclusion proof lines up to the empty line; return hashes and the remainder."""
    proof: list[bytes] = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise MalformedProofBundleError("missing empty line before the checkpoint")
        if line == "":
            return proof, rest
        if len(proof) == MAX_PROOF_HASHES:
            raise MalformedProofBundleError("inclusion proof too long")
        try:
            h = b64decode_strict(line)
        except ValueError as exc:
            raise MalformedProofBundleError("invalid proof hash line") from exc
        if len(h) != HASH_SIZE:
            raise MalformedProofBundleError("proof hashes must be 32 bytes")
        proof.append(h)


@dataclass(frozen=True)
class VerifiedBundle:
    """Result of a successful :func:`verify_bundle`."""

    checkpoint: Checkpoint
    index: int
    signatures: list[Signature]
    witnesses: frozenset[str]
    extra: bytes | None


def verify_bundle(
    bundle: ProofBundle | str | bytes,
    leaf: bytes,
    verifiers: Iterable[NoteVerifier] = (),
    *,
    origin: str | None = None,
    policy: Policy | None = None,
    prehashed: bool = False,
) -> VerifiedBundle:
    """Verify a tlog-proof for an entry.

    ``leaf`` is the entry data (hashed with RFC 6962 ``leaf_hash``) unless it
    is a :class:`LeafHash` or ``prehashed`` is true.  The checkpoint is opened
    with ``verifiers`` (or, if a ``policy`` is given, with the policy's log
    and witness keys and its quorum enforced); then the inclusion proof must
    verify against the checkpoint's size and root hash.

    Raises :class:`MalformedProofBundleError`, a
    :class:`~chancery_tlog.note.NoteError` for signature / policy failures,
    or :class:`InclusionProofError`.
    """
    if not isinstance(bundle, ProofBundle):
        bundle = ProofBundle.parse(bundle)
    if not isinstance(leaf, bytes):
        raise TypeError("leaf must be bytes")
    if isinstance(leaf, LeafHash) or prehashed:
        if len(leaf) != HASH_SIZE:
            raise InclusionProofError("leaf hash must be 32 bytes")
        lh = bytes(leaf)
    else:
        lh = leaf_hash(leaf)
    witnesses: frozenset[str] = frozenset()
    if policy is not None:
        verified = policy.verify_checkpoint(bundle.checkpoint_note, origin)
        cp, sigs, witnesses = verified.checkpoint, verified.signatures, verified.witnesses
    else:
        cp, sigs = open_checkpoint(bundle.checkpoint_note, verifiers, origin)
    if origin is not None and cp.origin != origin:
        raise OriginMismatchError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    if not verify_inclusion(lh, bundle.index, cp.size, list(bundle.proof), cp.root_hash):
        raise InclusionProofError("inclusion proof does not verify against the checkpoint")
    return VerifiedBundle(cp, bundle.index, sigs, witnesses, bundle.extra)
