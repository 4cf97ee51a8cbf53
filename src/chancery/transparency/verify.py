"""``chancery tlog verify``: re-derive every leaf from the database and check the whole log.

Finds records changed, deleted or inserted behind the application's back, entries reordered or
altered, stored nodes that disagree with the entries, checkpoints whose signatures do not verify, and
a tree that is not consistent with an earlier checkpoint an auditor kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from chancery.transparency.keys import log_signer
from chancery.transparency.models import LogEntry, LogNode, SignedCheckpoint
from chancery.transparency.records import canonical_leaf, registered
from chancery_tlog import merkle
from chancery_tlog.hybrid import Requirement, open_checkpoint
from chancery_tlog.note import NoteError
from chancery_tlog.store import CompactRange

FindingKind = Literal[
    "changed",
    "deleted",
    "inserted",
    "entry-altered",
    "entry-missing",
    "node-mismatch",
    "bad-signature",
    "root-mismatch",
    "unknown-type",
]
CHUNK = 2000


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that does not hold, naming the record or entry concerned."""

    kind: FindingKind
    message: str
    record_type: str = ""
    record_id: str = ""
    index: int | None = None

    def __str__(self) -> str:
        where = f" {self.record_type}:{self.record_id}" if self.record_type else ""
        at = f" (entry #{self.index})" if self.index is not None else ""
        return f"[{self.kind}]{where}{at}: {self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    """What ``tlog verify`` found: the leaf count, checkpoints checked and every finding."""

    size: int
    checkpoints: int
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.findings


def _entries() -> Iterator[tuple[int, bytes, str, str, bytes]]:
    rows = LogEntry.objects.order_by("index").values_list(
        "index",
        "leaf_hash",
        "record_type",
        "record_id",
        "leaf_data",
    )
    for index, leaf, record_type, record_id, data in rows.iterator(chunk_size=CHUNK):
        yield int(index), bytes(leaf), record_type, record_id, bytes(data)


def _check_entries(findings: list[Finding]) -> tuple[list[bytes], dict[tuple[str, str], tuple[int, bytes]]]:
    leaves: list[bytes] = []
    latest: dict[tuple[str, str], tuple[int, bytes]] = {}
    expected = 0
    for index, leaf, record_type, record_id, data in _entries():
        while expected < index:
            findings.append(Finding("entry-missing", "no entry at this index", index=expected))
            leaves.append(b"\0" * 32)
            expected += 1
        expected = index + 1
        if merkle.leaf_hash(data) != leaf:
            findings.append(
                Finding("entry-altered", "leaf hash does not match the leaf data", record_type, record_id, index)
            )
        leaves.append(leaf)
        latest[(record_type, record_id)] = (index, data)
    return leaves, latest


def _check_nodes(leaves: list[bytes], findings: list[Finding]) -> None:
    stored = LogNode.objects.filter(level=0).order_by("idx").values_list("idx", "hash")
    for idx, node in stored.iterator(chunk_size=CHUNK):
        if idx < len(leaves) and bytes(node) != leaves[idx]:
            findings.append(
                Finding(
                    "node-mismatch",
                    "the entry's leaf hash differs from the tree's leaf: entries were reordered or rewritten",
                    index=int(idx),
                )
            )


def _check_records(latest: dict[tuple[str, str], tuple[int, bytes]], findings: list[Finding]) -> None:
    types = registered()
    by_type: dict[str, list[str]] = {}
    for record_type, record_id in latest:
        by_type.setdefault(record_type, []).append(record_id)
    for record_type, ids in by_type.items():
        spec = types.get(record_type)
        if spec is None:
            findings.append(Finding("unknown-type", "no loader is registered for this record type", record_type))
            continue
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            current = spec.load_fields(chunk)
            for record_id in chunk:
                index, data = latest[(record_type, record_id)]
                fields = current.get(record_id)
                if fields is None:
                    findings.append(Finding("deleted", "the record was deleted", record_type, record_id, index))
                elif canonical_leaf(record_type=record_type, record_id=record_id, fields=fields) != data:
                    findings.append(
                        Finding(
                            "changed", "the record no longer matches its logged leaf", record_type, record_id, index
                        )
                    )
    for record_type, spec in types.items():
        logged = set(by_type.get(record_type, ()))
        findings.extend(
            Finding(
                "inserted",
                "the record is not in the log: inserted behind the application's back",
                record_type,
                record_id,
            )
            for record_id in spec.list_ids()
            if record_id not in logged
        )


def _roots_at(leaves: list[bytes], sizes: set[int]) -> dict[int, bytes]:
    roots = {0: merkle.root_hash([])} if 0 in sizes else {}
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
        if compact.size in sizes:
            roots[compact.size] = compact.root()
    return roots


def _check_checkpoints(leaves: list[bytes], earlier_note: str | None, findings: list[Finding]) -> int:
    policy = log_signer().policy(Requirement.BOTH)
    notes = [(int(size), note) for size, note in SignedCheckpoint.objects.order_by("size").values_list("size", "note")]
    if earlier_note is not None:
        notes.append((-1, earlier_note))
    parsed: list[tuple[int, bytes, str]] = []
    for stored_size, note in notes:
        label = "the earlier checkpoint given with --since" if stored_size < 0 else f"checkpoint {stored_size}"
        try:
            opened = open_checkpoint(note, policy)
        except (NoteError, ValueError) as error:
            findings.append(Finding("bad-signature", f"{label} does not verify: {error}"))
            continue
        if stored_size >= 0 and opened.checkpoint.size != stored_size:
            findings.append(Finding("bad-signature", f"{label} claims size {opened.checkpoint.size}"))
            continue
        parsed.append((opened.checkpoint.size, opened.checkpoint.root_hash, label))
    roots = _roots_at(leaves, {size for size, _, _ in parsed})
    for size, root, label in parsed:
        if size > len(leaves):
            findings.append(
                Finding("root-mismatch", f"{label} is for size {size} but the log has {len(leaves)} entries")
            )
        elif roots.get(size) != root:
            findings.append(
                Finding(
                    "root-mismatch",
                    f"the entries do not produce the root of {label}: the log was rewritten since it was signed",
                )
            )
    return len(parsed)


def log_verify(*, earlier_checkpoint: str | None = None) -> Report:
    """Check the whole log against the database and the signed checkpoints; return every finding.

    Needs database access and the log's keys. ``earlier_checkpoint`` is a signed checkpoint note an
    auditor saved before; the current log must extend it. Reads entries in chunks (memory grows with
    the number of leaf hashes, 32 bytes each).
    """
    findings: list[Finding] = []
    leaves, latest = _check_entries(findings)
    _check_nodes(leaves, findings)
    _check_records(latest, findings)
    checkpoints = _check_checkpoints(leaves, earlier_checkpoint, findings)
    return Report(size=len(leaves), checkpoints=checkpoints, findings=findings)
