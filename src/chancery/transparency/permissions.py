"""Transparency-log rules.

Checkpoints, verifier keys and tiles are public by design (anyone may mirror and verify the log).
Proofs need a signed-in user or a token; entry metadata (which record sits at which index) is for
auditors: security officers and administrators.
"""

from __future__ import annotations

from chancery.platform import access
from chancery.platform.actor import Actor

AUDITOR_ROLES = frozenset({"security_officer", "administrator"})


@access.rule("transparency.prove", scope="read")
def can_get_proofs(actor: Actor, obj: object) -> bool:
    """Any signed-in user (internal or partner) may ask for inclusion and consistency proofs."""
    return actor.is_authenticated


@access.rule("transparency.view_entry", scope="read")
def can_view_entries(actor: Actor, obj: object) -> bool:
    """Security officers and administrators may see which record sits at which index."""
    return actor.role in AUDITOR_ROLES or actor.is_system
