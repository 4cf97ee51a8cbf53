"""Who may see, run and review risk assessments.

``risk.view`` (read)
    The leadership view: reviewed assessments only. Every internal user (not partners, not members of an
    external organisation) may read it.
``risk.review`` (write)
    The review queue, drafts, scenarios and the AI event log: analysts and administrators of the ministry.
``risk.run`` (admin)
    Running the models: administrators and the system actor (the scheduled refresh).
``risk.register`` (admin)
    Editing the use-case register: administrators. Reading and exporting it is ``risk.view``.
"""

from __future__ import annotations

from chancery.missions.enums import EXTERNAL_KINDS
from chancery.platform import access
from chancery.platform.actor import Actor

REVIEWER_ROLES = frozenset({"analyst", "administrator"})


def is_internal(actor: Actor) -> bool:
    """True for the ministry's own users (not partners or members of an external organisation)."""
    return not actor.is_external and actor.organisation_kind not in EXTERNAL_KINDS


@access.rule("risk.view", scope="read")
def can_view(actor: Actor, _obj: object = None) -> bool:
    """Internal users read reviewed assessments and the use-case register."""
    return is_internal(actor)


@access.rule("risk.review", scope="write")
def can_review(actor: Actor, _obj: object = None) -> bool:
    """Analysts and administrators of the ministry review drafts and run scenarios."""
    return is_internal(actor) and actor.role in REVIEWER_ROLES


@access.rule("risk.run", scope="admin")
def can_run(actor: Actor, _obj: object = None) -> bool:
    """Administrators and the system actor run the models."""
    return actor.role in {"administrator", "system"}


@access.rule("risk.register", scope="admin")
def can_edit_register(actor: Actor, _obj: object = None) -> bool:
    """Administrators edit the use-case register."""
    return is_internal(actor) and actor.role == "administrator"
