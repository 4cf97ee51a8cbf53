"""The actor a webhook payload is checked for: the partner organisation itself, not any one person.

It is an external actor (role ``partner``) of that organisation with the highest clearance a partner can
ever hold (INTERNAL) and no compartments, so ``access.can(partner_actor(org), "vault.view", document)``
answers "may this organisation see this document" through the same rules as its users' pages.
Its ``user_id`` is 0, which no user has: it matches shares with the organisation, never with a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chancery.missions.enums import PARTNER_MAX_CLASSIFICATION
from chancery.platform.actor import Actor

if TYPE_CHECKING:
    from chancery.missions.models import Organisation

PARTNER_ACTOR_USER_ID = 0


def partner_actor(organisation: Organisation) -> Actor:
    """Return the read-only actor standing for ``organisation`` (an external organisation)."""
    return Actor(
        user_id=PARTNER_ACTOR_USER_ID,
        username=f"webhook:{organisation.code}",
        role="partner",
        clearance=int(PARTNER_MAX_CLASSIFICATION),
        organisation_id=organisation.pk,
        organisation_kind=organisation.kind,
    )
