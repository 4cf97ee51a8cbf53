"""Predicates shared by the rules of every domain that holds classified or shared objects."""

from __future__ import annotations

from collections.abc import Iterable

from chancery.platform.actor import Actor


def may_read_marking(actor: Actor, *, classification: int, compartments: Iterable[str] = ()) -> bool:
    """True when the actor's clearance reaches ``classification`` and it holds every compartment."""
    return actor.cleared_for(classification) and actor.has_compartments(frozenset(compartments))
