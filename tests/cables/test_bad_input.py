"""Bad input: a clear error with field messages, and nothing stored or sent."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.cables.content import ParagraphIn
from chancery.cables.models import Cable
from chancery.cables.services import cable_acknowledge, cable_create, cable_return, cable_submit
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, PermissionDenied
from tests.cables.conftest import content
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"paragraphs": []}, "paragraphs"),
        ({"paragraphs": [ParagraphIn(Classification.SECRET, "Too high.")]}, "paragraphs"),
        ({"paragraphs": [ParagraphIn(Classification.INTERNAL, "x" * 100_001)]}, "paragraphs"),
        ({"action_codes": []}, "action_codes"),
        ({"action_codes": ["no-such-unit"]}, "action_codes"),
        ({"precedence": "WHENEVER"}, "precedence"),
        ({"tags": ["not a tag"]}, "tags"),
        ({"reference_ids": [999]}, "reference_ids"),
        ({"info_codes": ["emb-paris"]}, "info_codes"),
    ],
)
def test_invalid_content_is_refused_and_nothing_stored(drafter: User, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        cable_create(actor=actor_of(drafter), content=content(**overrides))
    assert field in raised.value.errors
    assert Cable.objects.count() == 0


def test_drafting_above_own_clearance_is_refused(drafter: User) -> None:
    with pytest.raises(PermissionDenied):
        cable_create(actor=actor_of(drafter), content=content(classification=Classification.TOP_SECRET))
    assert Cable.objects.count() == 0


def test_return_needs_a_comment(drafter: User, clearer: User) -> None:
    cable = cable_create(actor=actor_of(drafter), content=content())
    cable_submit(actor=actor_of(drafter), cable_id=cable.pk)
    with pytest.raises(InvalidInput):
        cable_return(actor=actor_of(clearer), cable_id=cable.pk, comment="   ")
    cable.refresh_from_db()
    assert cable.state == "in_clearance"


def test_second_acknowledgement_is_refused(make_released: Any, recipient: User) -> None:
    cable = make_released()
    cable_acknowledge(actor=actor_of(recipient), cable_id=cable.pk)
    with pytest.raises(PermissionDenied):
        cable_acknowledge(actor=actor_of(recipient), cable_id=cable.pk)
    assert cable.deliveries.get(organisation__code="emb-paris").acknowledged_by == recipient
