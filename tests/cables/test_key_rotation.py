"""Key rotation covers cables: their data keys are rewrapped, and the old key is retired only when unused."""

from __future__ import annotations

import pytest

from chancery.cables.models import Cable
from chancery.cables.selectors import cable_view
from chancery.cables.services import cable_create
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.vault import maintenance
from chancery.vault.key_holders import kek_ids_in_use, key_holders
from tests.cables.conftest import content
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(purpose="test")


def test_cables_are_a_registered_key_holder() -> None:
    assert {"cables.cable", "vault.version"} <= {holder.name for holder in key_holders()}


def test_rotation_rewraps_cable_keys_and_cables_stay_readable(drafter: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content(subject="Rotation survives"))
    old_kek = cable.kek_id
    sealed_subject = bytes(cable.subject_sealed)
    assert kek_ids_in_use() == {old_kek}

    report = maintenance.keys_rotate(actor=SYSTEM)

    cable.refresh_from_db()
    assert report.rewrapped == 1
    assert report.retired == [old_kek]
    assert cable.kek_id == report.new_kek_id != old_kek
    assert bytes(cable.subject_sealed) == sealed_subject  # content was not re-encrypted
    assert cable_view(actor=actor_of(drafter), cable_id=cable.pk).subject == "Rotation survives"


def test_a_key_still_used_by_a_cable_is_not_retired(drafter: User, monkeypatch: pytest.MonkeyPatch) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content())
    old_kek = cable.kek_id
    cable_holder = next(h for h in key_holders() if h.name == "cables.cable")
    # A rotation that skipped the cables (as rotation did before cables were registered):
    monkeypatch.setattr(maintenance, "key_holders", lambda: [h for h in key_holders() if h is not cable_holder])
    report = maintenance.keys_rotate(actor=SYSTEM)
    assert report.retired == []
    assert Cable.objects.get(pk=cable.pk).kek_id == old_kek
    assert cable_view(actor=actor_of(drafter), cable_id=cable.pk).subject == content().subject
