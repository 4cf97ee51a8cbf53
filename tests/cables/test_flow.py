"""A cable's life: draft → clearance → release with deliveries → acknowledgement; events, audit, log."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.audit.models import AuditEvent
from chancery.cables.models import Cable, Delivery
from chancery.cables.selectors import cable_list, cable_search, cable_view
from chancery.cables.services import (
    cable_acknowledge,
    cable_clear,
    cable_create,
    cable_open,
    cable_release,
    cable_return,
    cable_submit,
    cable_update,
)
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.events.models import Event
from tests.cables.conftest import content
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_full_life_with_events_audit_and_numbering(
    drafter: User, clearer: User, approver: User, recipient: User, outsider: User
) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content(precedence="FLASH", info_codes=["emb-berlin"]))
    assert cable.state == "draft"
    assert cable.number is None

    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable.refresh_from_db()
    assert cable.state == "in_clearance"
    assert Event.objects.filter(user=clearer, kind="cable.clearance_requested").count() == 1
    assert cable_list(actor=actor_of(clearer), box="clearance").get() == cable

    cable_clear(actor=actor_of(clearer), cable_id=cable.pk)
    cable.refresh_from_db()
    assert cable.state == "cleared"
    assert Event.objects.filter(user=approver, kind="cable.cleared").exists()

    released = cable_release(actor=actor_of(approver), cable_id=cable.pk)
    assert released.state == "delivered"
    assert released.number == 1
    assert released.reference == "EMB-TOKYO 000001"
    assert len(released.content_sha256) == 64
    deliveries = {d.organisation.code: d for d in Delivery.objects.filter(cable=cable)}
    assert set(deliveries) == {"emb-paris", "emb-berlin"}
    assert deliveries["emb-paris"].ack_required is True
    assert deliveries["emb-paris"].ack_due_at is not None
    assert deliveries["emb-berlin"].ack_required is False
    assert Event.objects.filter(user=recipient, kind="cable.delivered").count() == 1
    assert Event.objects.filter(user=outsider, kind="cable.delivered").count() == 1  # info addressee
    assert cable_list(actor=actor_of(recipient), box="inbox").get() == cable

    cable_acknowledge(actor=actor_of(recipient), cable_id=cable.pk)
    cable.refresh_from_db()
    assert cable.state == "acknowledged"
    assert Event.objects.filter(user=drafter, kind="cable.acknowledged").count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="cables.cable").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "cables.drafted",
        "cables.submitted",
        "cables.clearance_given",
        "cables.released",
        "cables.acknowledged",
    ]


def test_numbers_are_consecutive_per_post(make_released: Any) -> None:
    numbers = [make_released().number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_no_event_payload_or_audit_detail_carries_text(make_released: Any) -> None:
    make_released()
    for event in Event.objects.all():
        assert "Hà Nội" not in str(event.payload)
        assert "negotiating" not in str(event.payload)
    for audit in AuditEvent.objects.all():
        assert "negotiating" not in str(audit.detail)


def test_text_is_sealed_at_rest(drafter: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content())
    row = Cable.objects.get(pk=cable.pk)
    assert b"visit" not in bytes(row.subject_sealed)
    assert all(b"negotiating" not in bytes(p.text_sealed) for p in row.paragraphs.all())
    view = cable_view(actor=actor_of(drafter), cable_id=cable.pk)
    assert view.subject == "Hà Nội visit preparations"
    assert [p.classification for p in view.paragraphs] == [Classification.INTERNAL, Classification.CONFIDENTIAL]


def test_returned_cable_is_revised_and_resubmitted(drafter: User, clearer: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content())
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    cable_return(actor=actor_of(clearer), cable_id=cable.pk, comment="Soften paragraph 2.")
    view = cable_view(actor=actor_of(drafter), cable_id=cable.pk)
    assert view.cable.state == "returned"
    assert view.return_comment == "Soften paragraph 2."
    assert view.may["edit"] is True
    assert Event.objects.filter(user=drafter, kind="cable.returned").exists()
    cable_update(actor=actor_of(drafter), cable_id=cable.pk, content=content(subject="Revised subject"))
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    view = cable_view(actor=actor_of(clearer), cable_id=cable.pk)
    assert view.subject == "Revised subject"
    assert view.cable.state == "in_clearance"
    assert [c.status for c in view.clearances] == ["pending"]


def test_cable_without_clearers_is_cleared_on_submit(drafter: User, approver: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content(clearer_codes=[]))
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    assert cable_release(actor=actor_of(approver), cable_id=cable.pk).state == "delivered"


def test_release_appends_a_transparency_leaf_without_text(make_released: Any) -> None:
    from chancery.transparency.models import LogEntry

    cable = make_released()
    entry = LogEntry.objects.get(record_type="cables.release", record_id=str(cable.pk))
    data = bytes(entry.leaf_data).decode()
    assert cable.content_sha256 in data
    assert "visit" not in data
    assert "EMB-TOKYO 000001" in data


def test_opening_is_audited_and_shows_proof_once_checkpointed(make_released: Any, recipient: User) -> None:
    from chancery.transparency.services import checkpoint_publish

    cable = make_released()
    checkpoint_publish()
    view = cable_open(actor=actor_of(recipient), cable_id=cable.pk)
    assert view.proof is not None
    assert view.proof.verified is True
    assert AuditEvent.objects.filter(action="cables.opened", actor_id=recipient.pk).count() == 1


def test_search_is_diacritic_insensitive_and_filtered(make_released: Any, recipient: User, outsider: User) -> None:
    cable = make_released()
    assert [hit["cable"] for hit in cable_search(actor=actor_of(recipient), query="ha noi")] == [cable]
    assert [hit["cable"] for hit in cable_search(actor=actor_of(recipient), query="PREL")] == [cable]
    assert cable_search(actor=actor_of(recipient), query="nothing like it") == []
    assert cable_search(actor=actor_of(outsider), query="ha noi") == []


def test_saved_search_notifies_owner_who_may_read(
    make_released: Any, recipient: User, outsider: User, drafter: User
) -> None:
    from chancery.cables.selectors import saved_search_list
    from chancery.cables.services import saved_search_create, saved_search_delete
    from chancery.platform.errors import NotFound

    mine = saved_search_create(actor=actor_of(recipient), query="ha noi")
    saved_search_create(actor=actor_of(outsider), query="Hà Nội")  # matches, but may not read the cable
    saved_search_create(actor=actor_of(drafter), query="unrelated words")
    cable = make_released()
    notified = list(Event.objects.filter(kind="cable.search_match").values_list("user__username", "payload"))
    assert notified == [(recipient.username, notified[0][1])]
    assert notified[0][1]["cable_id"] == cable.pk
    assert [s.query for s in saved_search_list(actor=actor_of(outsider))] == ["Hà Nội"]
    with pytest.raises(NotFound):
        saved_search_delete(actor=actor_of(outsider), search_id=mine.pk)
    saved_search_delete(actor=actor_of(recipient), search_id=mine.pk)
    assert list(saved_search_list(actor=actor_of(recipient))) == []
