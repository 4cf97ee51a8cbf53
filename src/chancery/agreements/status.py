"""The status of an agreement, derived from its events (pure: no database access)."""

from __future__ import annotations

from collections.abc import Iterable

from chancery.agreements.enums import CONSENT_KINDS, EventKind, Stage

_LADDER: tuple[tuple[Stage, frozenset[str]], ...] = (
    (Stage.TERMINATED, frozenset({EventKind.TERMINATION})),
    (Stage.IN_FORCE, frozenset({EventKind.ENTRY_INTO_FORCE})),
    (Stage.RATIFICATION, frozenset(CONSENT_KINDS)),
    (Stage.SIGNED, frozenset({EventKind.SIGNATURE})),
    (Stage.CONCLUDED, frozenset({EventKind.CONCLUDED})),
    (Stage.NEGOTIATION, frozenset({EventKind.NEGOTIATIONS_OPENED})),
)
"""Stages from the furthest back, each with the event kinds that reach it."""


def derive_status(kinds: Iterable[str]) -> Stage:
    """Return the furthest stage the event ``kinds`` reach; termination ends every agreement."""
    seen = set(kinds)
    for stage, reached in _LADDER:
        if seen & reached:
            return stage
    return Stage.PROPOSED
