r"""Protocol pieces of C2SP tlog-witness ``add-checkpoint`` (no HTTP server).

Request body (https://c2sp.org/tlog-witness §add-checkpoint)::

    old <old size>\n
    <base64 consistency proof hash>\n      (0 to 63 lines)
    \n
    <signed checkpoint note>

Responses, as :class:`Outcome` values that map 1:1 onto HTTP:

=====  ==========================================================  ====================
code   condition                                                   body
=====  ==========================================================  ====================
200    all checks pass; state persisted                            cosignature line(s)
400    malformed body, or old size > checkpoint size               error text
403    no signature verifies against a trusted log key             error text
404    checkpoint origin unknown to the witness                    error text
409    old size != latest cosigned size (``text/x.tlog.size``),    ``<size>\n``
       or same size with a different root hash                     error text
422    consistency proof does not verify                           error text
=====  ==========================================================  ====================

The spec mandates 404 (not 403) for an unknown origin; 403 is for a known
origin whose signatures do not verify.  The old size 0 case follows the
spec: it matches a log never cosigned before, and the proof must be empty.

The compare-and-swap in :class:`WitnessStateStore` is what makes "check the
old size, then persist" atomic, as the spec requires to avoid roll-backs.
"""

from __future__ import annotations

import base64
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint, MalformedCheckpointError, parse_decimal
from .merkle import HASH_SIZE, verify_consistency
from .note import (
    MalformedNoteError,
    NoteError,
    NoteSigner,
    NoteVerifier,
    Signature,
    b64decode_strict,
    open_note,
    parse_note,
    parse_signature_line,
    sign_note,
)

__all__ = [
    "CONTENT_TYPE_SIZE",
    "MAX_PROOF_LINES",
    "AddCheckpointRequest",
    "InMemoryWitnessStateStore",
    "MalformedWitnessMessageError",
    "Outcome",
    "Witness",
    "WitnessState",
    "WitnessStateStore",
    "apply_response",
    "format_add_checkpoint_request",
    "format_size_body",
    "parse_add_checkpoint_request",
    "parse_add_checkpoint_response",
    "parse_size_body",
]

MAX_PROOF_LINES = 63
"""tlog-witness: the client MUST NOT send more than 63 consistency proof lines."""

CONTENT_TYPE_SIZE = "text/x.tlog.size"
"""Content type of a 409 Conflict response carrying the latest cosigned size."""

CONTENT_TYPE_TEXT = "text/plain; charset=utf-8"

MAX_REQUEST_BYTES = 1 << 20
"""Bodies larger than this are rejected as malformed (checkpoint + 63 hashes
+ 100 post-quantum signatures fit well within it)."""


class MalformedWitnessMessageError(ValueError):
    """A tlog-witness request or response body is malformed."""


@dataclass(frozen=True)
class AddCheckpointRequest:
    """Parsed ``add-checkpoint`` request body."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint_note: str


def format_add_checkpoint_request(old_size: int, proof: Sequence[bytes], checkpoint_note: str) -> str:
    """Encode an ``add-checkpoint`` request body."""
    if isinstance(old_size, bool) or not isinstance(old_size, int) or old_size < 0:
        raise ValueError("old size must be a non-negative integer")
    if len(proof) > MAX_PROOF_LINES:
        raise ValueError("at most 63 consistency proof lines")
    lines = [f"old {old_size}\n"]
    for h in proof:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ValueError("proof hashes must be 32 bytes")
        lines.append(base64.b64encode(h).decode("ascii") + "\n")
    return "".join(lines) + "\n" + checkpoint_note


def _decode_body(body: str | bytes, what: str) -> str:
    if isinstance(body, (bytes, bytearray)):
        if len(body) > MAX_REQUEST_BYTES:
            raise MalformedWitnessMessageError(f"{what} too large")
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedWitnessMessageError(f"{what} is not valid UTF-8") from exc
    if not isinstance(body, str):
        raise MalformedWitnessMessageError(f"{what} must be str or bytes")
    if len(body) > MAX_REQUEST_BYTES:
        raise MalformedWitnessMessageError(f"{what} too large")
    return body


def _parse_proof_lines(rest: str) -> tuple[list[bytes], str]:
    """Consume up to 63 base64 hash lines and the empty line; return hashes and the remainder."""
    proof: list[bytes] = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise MalformedWitnessMessageError("missing empty line before the checkpoint")
        if line == "":
            return proof, rest
        if len(proof) == MAX_PROOF_LINES:
            raise MalformedWitnessMessageError("too many consistency proof lines")
        try:
            h = b64decode_strict(line)
        except ValueError as exc:
            raise MalformedWitnessMessageError("invalid proof line") from exc
        if len(h) != HASH_SIZE:
            raise MalformedWitnessMessageError("proof hashes must be 32 bytes")
        proof.append(h)


def parse_add_checkpoint_request(body: str | bytes) -> AddCheckpointRequest:
    """Strictly parse an ``add-checkpoint`` request body.

    Checks the ``old <decimal>`` line (no leading zeroes), at most 63 proof
    lines each the base64 of a 32-byte hash, the empty separator line, and
    that the rest is a syntactically valid signed note.  Signatures are not
    verified here.  Raises :class:`MalformedWitnessMessageError`.
    """
    text = _decode_body(body, "request")
    first, sep, rest = text.partition("\n")
    if not sep or not first.startswith("old "):
        raise MalformedWitnessMessageError("missing old size line")
    try:
        old_size = parse_decimal(first[4:])
    except ValueError as exc:
        raise MalformedWitnessMessageError("invalid old size") from exc
    proof, note = _parse_proof_lines(rest)
    try:
        parse_note(note)
    except MalformedNoteError as exc:
        raise MalformedWitnessMessageError(f"malformed checkpoint note: {exc}") from exc
    return AddCheckpointRequest(old_size, tuple(proof), note)


def format_size_body(size: int) -> str:
    """409 Conflict body: the latest cosigned size in decimal and a newline."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("size must be a non-negative integer")
    return f"{size}\n"


def parse_size_body(body: str | bytes) -> int:
    """Parse a ``text/x.tlog.size`` body; raise :class:`MalformedWitnessMessageError`."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("ascii")
        except UnicodeDecodeError as exc:
            raise MalformedWitnessMessageError("size body is not ASCII") from exc
    if not isinstance(body, str) or not body.endswith("\n"):
        raise MalformedWitnessMessageError("size body must end in newline")
    try:
        return parse_decimal(body[:-1])
    except ValueError as exc:
        raise MalformedWitnessMessageError("invalid size body") from exc


def parse_add_checkpoint_response(body: str | bytes) -> list[Signature]:
    """Parse a 200 response: one or more note signature lines.

    Raises :class:`MalformedWitnessMessageError`.  Signatures are not verified
    (see :func:`apply_response`).
    """
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedWitnessMessageError("response is not valid UTF-8") from exc
    if not isinstance(body, str) or not body.endswith("\n"):
        raise MalformedWitnessMessageError("response must end in newline")
    lines = body[:-1].split("\n")
    try:
        return [parse_signature_line(line) for line in lines]
    except MalformedNoteError as exc:
        raise MalformedWitnessMessageError(f"malformed signature line: {exc}") from exc


def apply_response(
    checkpoint_note: str, response_body: str | bytes, witnesses: Sequence[NoteVerifier]
) -> tuple[str, list[Signature]]:
    """Client side: verify a witness response and merge it into the note.

    Per tlog-witness, the response is concatenated to the checkpoint and
    opened with the trusted witness keys only; cosignatures from unknown keys
    are dropped.  Returns the note with the verified cosignatures appended
    (replacing older ones from the same keys) and those cosignatures.
    Raises :class:`MalformedWitnessMessageError` or a
    :class:`~chancery_tlog.note.NoteError` (e.g. an invalid cosignature).
    """
    cosigs = parse_add_checkpoint_response(response_body)
    parsed = parse_note(checkpoint_note)
    combined = checkpoint_note + "".join(s.line() for s in cosigs)
    _, verified = open_note(combined, witnesses)
    new_ids = {(s.name, s.key_id) for s in verified}
    kept = [s for s in parsed.signatures if (s.name, s.key_id) not in new_ids]
    lines = "".join(s.line() for s in [*kept, *verified])
    return parsed.text + "\n" + lines, verified


@dataclass(frozen=True)
class WitnessState:
    """The latest checkpoint a witness cosigned for one origin."""

    size: int
    root_hash: bytes


class WitnessStateStore(ABC):
    """Per-origin persistent witness state with an atomic compare-and-swap."""

    @abstractmethod
    def load(self, origin: str) -> WitnessState | None:
        """Return the latest cosigned state for ``origin`` (``None`` if never cosigned)."""

    @abstractmethod
    def compare_and_swap(self, origin: str, old: WitnessState | None, new: WitnessState) -> bool:
        """Atomically replace ``old`` by ``new``.

        Return ``False`` if the stored state is no longer ``old`` (a concurrent
        update won).
        """


class InMemoryWitnessStateStore(WitnessStateStore):
    """Thread-safe dictionary-backed :class:`WitnessStateStore`."""

    def __init__(self) -> None:
        self._states: dict[str, WitnessState] = {}
        self._lock = threading.Lock()

    def load(self, origin: str) -> WitnessState | None:
        """See :meth:`WitnessStateStore.load`."""
        with self._lock:
            return self._states.get(origin)

    def compare_and_swap(self, origin: str, old: WitnessState | None, new: WitnessState) -> bool:
        """See :meth:`WitnessStateStore.compare_and_swap`."""
        with self._lock:
            if self._states.get(origin) != old:
                return False
            self._states[origin] = new
            return True


@dataclass(frozen=True)
class Outcome:
    """Result of :meth:`Witness.add_checkpoint`: HTTP status, content type, body."""

    status: int
    body: str
    content_type: str = CONTENT_TYPE_TEXT

    @property
    def ok(self) -> bool:
        """Whether the checkpoint was cosigned."""
        return self.status == 200


def _error(status: int, message: str) -> Outcome:
    return Outcome(status, message + "\n")


def _conflict(size: int) -> Outcome:
    return Outcome(409, format_size_body(size), CONTENT_TYPE_SIZE)


class Witness:
    """The witness side of ``add-checkpoint``.

    ``logs`` maps each known origin to the log public keys trusted for it;
    ``cosigners`` are the witness's own cosignature signers (e.g.
    :class:`~chancery_tlog.checkpoint.CosignatureSigner`,
    :class:`~chancery_tlog.hybrid.MLDSASigner`).
    """

    def __init__(
        self,
        cosigners: Sequence[NoteSigner],
        logs: Mapping[str, Sequence[NoteVerifier]],
        store: WitnessStateStore,
    ) -> None:
        if not cosigners:
            raise ValueError("a witness needs at least one cosigner key")
        self._cosigners = list(cosigners)
        self._logs = {origin: list(keys) for origin, keys in logs.items()}
        self._store = store

    def _parse(self, body: str | bytes) -> tuple[AddCheckpointRequest, Checkpoint, str] | Outcome:
        """Parse the body and authenticate the checkpoint (400 / 404 / 403)."""
        try:
            req = parse_add_checkpoint_request(body)
            text = parse_note(req.checkpoint_note).text
            cp = Checkpoint.parse(text)
        except (MalformedWitnessMessageError, MalformedCheckpointError) as exc:
            return _error(400, str(exc))
        keys = self._logs.get(cp.origin)
        if keys is None:
            return _error(404, "unknown log origin")
        try:
            open_note(req.checkpoint_note, keys)
        except NoteError as exc:
            return _error(403, f"checkpoint signature not verified: {exc}")
        if req.old_size > cp.size:
            return _error(400, "old size is larger than the checkpoint size")
        return req, cp, text

    @staticmethod
    def _check_state(req: AddCheckpointRequest, cp: Checkpoint, state: WitnessState | None) -> Outcome | None:
        """Size (409), same-size root (409) and consistency (422) checks."""
        current_size = state.size if state is not None else 0
        if req.old_size != current_size:
            return _conflict(current_size)
        if state is None:
            return _error(422, "consistency proof must be empty for old size 0") if req.proof else None
        if req.old_size == cp.size and state.root_hash != cp.root_hash:
            return _error(409, "root hash differs from the cosigned checkpoint of the same size")
        if not verify_consistency(state.size, cp.size, state.root_hash, cp.root_hash, list(req.proof)):
            return _error(422, "consistency proof does not verify")
        return None

    def add_checkpoint(self, body: str | bytes) -> Outcome:
        """Run every tlog-witness check on a request body and cosign if they pass."""
        parsed = self._parse(body)
        if isinstance(parsed, Outcome):
            return parsed
        req, cp, text = parsed
        state = self._store.load(cp.origin)
        failure = self._check_state(req, cp, state)
        if failure is not None:
            return failure
        if not self._store.compare_and_swap(cp.origin, state, WitnessState(cp.size, cp.root_hash)):
            latest = self._store.load(cp.origin)
            return _conflict(latest.size if latest is not None else 0)
        signed = sign_note(text, self._cosigners)
        return Outcome(200, signed[len(text) + 1 :])
