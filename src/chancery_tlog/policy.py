"""C2SP tlog-policy: policy file parsing and k-of-n quorum evaluation.

Implements https://c2sp.org/tlog-policy::

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <name>...
    quorum <name>|none

Parsing rules enforced (§Policy file syntax and structure):

* octets allowed: tab, newline, 0x20-0x7E and 0x80-0xFF; items separated by
  runs of spaces and tabs; leading/trailing whitespace, blank lines and
  ``#`` comment lines ignored; a missing newline after the last line is
  tolerated;
* names are opaque octet strings (kept as ``str`` decoded with
  ``surrogateescape``, so no Unicode normalisation ever applies); witnesses
  and groups share one namespace; ``none`` cannot be defined or used as a
  member;
* a group or quorum may only reference names defined on preceding lines;
  ``k`` is decimal without leading zeroes with ``1 <= k <= n``; a group has at
  least one member; each name is a group member at most once (across the
  whole file), so every witness counts towards the quorum in one way only;
* exactly one ``quorum`` line;
* duplicate logs / witnesses (same underlying public key, whatever the name
  or key ID) are rejected;
* log keys must be Ed25519 (``0x01``) or ML-DSA-44 (``0x06``) and witness
  keys Ed25519 cosignature (``0x04``) or ML-DSA-44 (``0x06``) vkeys.

Limits: 256 logs, 256 witnesses, 256 groups (the spec recommends at least 32).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .checkpoint import Checkpoint, OriginMismatchError
from .hybrid import verifier_from_vkey
from .note import (
    MalformedKeyError,
    NoteError,
    NoteVerifier,
    Signature,
    open_note,
    parse_vkey,
)

__all__ = [
    "MAX_ENTRIES",
    "Group",
    "LogEntry",
    "MalformedPolicyError",
    "Policy",
    "PolicyNotSatisfiedError",
    "VerifiedCheckpoint",
    "WitnessEntry",
    "parse_policy",
]

MAX_ENTRIES = 256
"""Maximum number of logs, of witnesses and of groups in one policy."""

NONE = "none"
LOG_KEY_TYPES = frozenset({0x01, 0x06})
WITNESS_KEY_TYPES = frozenset({0x04, 0x06})

_WS_RE = re.compile(b"[ \t]+")
_BAD_OCTET_RE = re.compile(b"[\x00-\x08\x0b-\x1f\x7f]")
_K_RE = re.compile("[1-9][0-9]{0,3}")


class MalformedPolicyError(ValueError):
    """The policy file violates the tlog-policy syntax or semantics."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class PolicyNotSatisfiedError(NoteError):
    """A checkpoint is not signed by a policy log or lacks the witness quorum."""


@dataclass(frozen=True)
class LogEntry:
    """A ``log`` line."""

    vkey: str
    verifier: NoteVerifier
    url: str | None = None

    @property
    def origin(self) -> str:
        """The log identity (its key name, which must match the origin line)."""
        return self.verifier.name


@dataclass(frozen=True)
class WitnessEntry:
    """A ``witness`` line."""

    name: str
    vkey: str
    verifier: NoteVerifier
    url: str | None = None


@dataclass(frozen=True)
class Group:
    """A ``group`` line: satisfied when at least ``threshold`` members are."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """Result of :meth:`Policy.verify_checkpoint`."""

    checkpoint: Checkpoint
    log: LogEntry
    signatures: list[Signature]
    witnesses: frozenset[str]


def _decode(item: bytes) -> str:
    return item.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Policy:
    """A parsed tlog-policy."""

    logs: tuple[LogEntry, ...]
    witnesses: Mapping[str, WitnessEntry]
    groups: Mapping[str, Group]
    quorum: str

    def witnesses_for_signatures(self, signatures: Iterable[Signature]) -> frozenset[str]:
        """Names of policy witnesses among already verified ``signatures``."""
        by_key = {(w.verifier.name, w.verifier.key_id): name for name, w in self.witnesses.items()}
        return frozenset(by_key[(s.name, s.key_id)] for s in signatures if (s.name, s.key_id) in by_key)

    def is_witnessed(self, name: str, cosigned: frozenset[str] | set[str]) -> bool:
        """Whether witness or group ``name`` witnessed, given the cosigning witnesses."""
        if name == NONE:
            return True
        if name in self.witnesses:
            return name in cosigned
        group = self.groups[name]
        count = 0
        for member in group.members:
            if self.is_witnessed(member, cosigned):
                count += 1
                if count >= group.threshold:
                    return True
        return False

    def quorum_satisfied(self, cosigned: Iterable[str]) -> bool:
        """Whether the quorum holds when exactly the witnesses ``cosigned`` cosigned."""
        return self.is_witnessed(self.quorum, frozenset(cosigned))

    def log_for_origin(self, origin: str) -> list[LogEntry]:
        """The policy logs whose key name is ``origin``."""
        return [log for log in self.logs if log.origin == origin]

    def verifiers(self) -> list[NoteVerifier]:
        """Every log and witness verifier of the policy."""
        return [log.verifier for log in self.logs] + [w.verifier for w in self.witnesses.values()]

    def verify_checkpoint(self, note: str | bytes, origin: str | None = None) -> VerifiedCheckpoint:
        """Open a checkpoint note and enforce the policy.

        The note must verify (:func:`~chancery_tlog.note.open_note` with all
        policy keys — an invalid signature from any known key rejects it),
        carry a signature from a policy log whose key name equals the
        checkpoint origin, and the cosigning witnesses must satisfy the
        quorum.  Raises :class:`PolicyNotSatisfiedError` otherwise.
        """
        text, sigs = open_note(note, self.verifiers())
        cp = Checkpoint.parse(text)
        if origin is not None and cp.origin != origin:
            raise OriginMismatchError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
        signed_ids = {(s.name, s.key_id) for s in sigs}
        logs = [log for log in self.log_for_origin(cp.origin) if (log.verifier.name, log.verifier.key_id) in signed_ids]
        if not logs:
            raise PolicyNotSatisfiedError("checkpoint is not signed by a log of the policy")
        cosigned = self.witnesses_for_signatures(sigs)
        if not self.quorum_satisfied(cosigned):
            raise PolicyNotSatisfiedError("witness quorum not satisfied")
        return VerifiedCheckpoint(cp, logs[0], sigs, cosigned)


def _key_material(vkey: str, line: int, allowed: frozenset[int]) -> tuple[NoteVerifier, bytes]:
    try:
        _, _, material = parse_vkey(vkey)
    except MalformedKeyError as exc:
        raise MalformedPolicyError(f"invalid vkey: {exc}", line) from exc
    if material[0] not in allowed:
        raise MalformedPolicyError(f"signature type 0x{material[0]:02x} not allowed here", line)
    try:
        verifier = verifier_from_vkey(vkey)
    except MalformedKeyError as exc:
        raise MalformedPolicyError(f"invalid vkey: {exc}", line) from exc
    return verifier, material[1:]


def _tokenize(data: bytes) -> list[tuple[int, list[bytes]]]:
    if _BAD_OCTET_RE.search(data):
        raise MalformedPolicyError("forbidden control character")
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    out: list[tuple[int, list[bytes]]] = []
    for number, raw in enumerate(raw_lines, start=1):
        stripped = raw.strip(b" \t")
        if not stripped or stripped.startswith(b"#"):
            continue
        out.append((number, _WS_RE.split(stripped)))
    return out


def _policy_bytes(text: str | bytes) -> bytes:
    if isinstance(text, str):
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as exc:
            raise MalformedPolicyError("policy text cannot be encoded") from exc
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    raise MalformedPolicyError("policy must be str or bytes")


def _threshold(spec: str, n_members: int, line: int) -> int:
    """Group threshold: ``all`` (k = n), ``any`` (k = 1) or decimal 1 <= k <= n."""
    if spec == "all":
        return n_members
    if spec == "any":
        return 1
    if _K_RE.fullmatch(spec) and int(spec) <= n_members:
        return int(spec)
    raise MalformedPolicyError("threshold must be all, any or 1 <= k <= n", line)


class _PolicyBuilder:
    """Accumulates policy lines in order, enforcing the tlog-policy rules."""

    def __init__(self) -> None:
        self.logs: list[LogEntry] = []
        self.witnesses: dict[str, WitnessEntry] = {}
        self.groups: dict[str, Group] = {}
        self.keys_seen: set[bytes] = set()
        self.members: set[str] = set()
        self.quorum: str | None = None

    def _defined(self, name: str) -> bool:
        return name in self.witnesses or name in self.groups

    def _new_name(self, name: str, line: int) -> None:
        if name == NONE or self._defined(name):
            raise MalformedPolicyError(f"name {name!r} already defined", line)

    def _new_key(self, key: bytes, line: int) -> None:
        if key in self.keys_seen:
            raise MalformedPolicyError("duplicate public key", line)
        self.keys_seen.add(key)

    def add_log(self, args: list[str], line: int) -> None:
        """``log <vkey> [<url>]``."""
        if not 1 <= len(args) <= 2:
            raise MalformedPolicyError("usage: log <vkey> [<url>]", line)
        if len(self.logs) >= MAX_ENTRIES:
            raise MalformedPolicyError("too many logs", line)
        verifier, key = _key_material(args[0], line, LOG_KEY_TYPES)
        self._new_key(key, line)
        self.logs.append(LogEntry(args[0], verifier, args[1] if len(args) == 2 else None))

    def add_witness(self, args: list[str], line: int) -> None:
        """``witness <name> <vkey> [<url>]``."""
        if not 2 <= len(args) <= 3:
            raise MalformedPolicyError("usage: witness <name> <vkey> [<url>]", line)
        if len(self.witnesses) >= MAX_ENTRIES:
            raise MalformedPolicyError("too many witnesses", line)
        name = args[0]
        self._new_name(name, line)
        verifier, key = _key_material(args[1], line, WITNESS_KEY_TYPES)
        self._new_key(key, line)
        self.witnesses[name] = WitnessEntry(name, args[1], verifier, args[2] if len(args) == 3 else None)

    def add_group(self, args: list[str], line: int) -> None:
        """``group <name> all|any|<k> <name>...``."""
        if len(args) < 3:
            raise MalformedPolicyError("usage: group <name> all|any|<k> <name>...", line)
        if len(self.groups) >= MAX_ENTRIES:
            raise MalformedPolicyError("too many groups", line)
        name, spec, members = args[0], args[1], args[2:]
        self._new_name(name, line)
        for member in members:
            if member == NONE or not self._defined(member):
                raise MalformedPolicyError(f"undefined group member {member!r}", line)
            if member in self.members:
                raise MalformedPolicyError(f"{member!r} is already a group member", line)
            self.members.add(member)
        self.groups[name] = Group(name, _threshold(spec, len(members), line), tuple(members))

    def set_quorum(self, args: list[str], line: int) -> None:
        """``quorum <name>`` (exactly once)."""
        if len(args) != 1:
            raise MalformedPolicyError("usage: quorum <name>", line)
        if self.quorum is not None:
            raise MalformedPolicyError("more than one quorum line", line)
        if args[0] != NONE and not self._defined(args[0]):
            raise MalformedPolicyError(f"undefined quorum name {args[0]!r}", line)
        self.quorum = args[0]

    def build(self) -> Policy:
        """Return the finished :class:`Policy`."""
        if self.quorum is None:
            raise MalformedPolicyError("missing quorum line")
        return Policy(tuple(self.logs), self.witnesses, self.groups, self.quorum)


def parse_policy(text: str | bytes) -> Policy:
    """Parse and validate a tlog-policy file; raise :class:`MalformedPolicyError`."""
    builder = _PolicyBuilder()
    handlers = {
        b"log": builder.add_log,
        b"witness": builder.add_witness,
        b"group": builder.add_group,
        b"quorum": builder.set_quorum,
    }
    for number, items in _tokenize(_policy_bytes(text)):
        handler = handlers.get(items[0])
        if handler is None:
            raise MalformedPolicyError(f"unknown keyword {_decode(items[0])!r}", number)
        handler([_decode(i) for i in items[1:]], number)
    return builder.build()
