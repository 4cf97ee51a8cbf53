"""Starting a meeting from a chat channel invites its members; non-members cannot."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.chat.services import channel_create, member_add
from chancery.identity.models import User
from chancery.meetings.services import meeting_start_from_channel
from chancery.missions.models import Organisation
from chancery.platform.errors import NotFound
from tests.conftest import actor_of
from tests.factories import UserFactory
from tests.meetings.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(mission_tokyo: Organisation) -> User:
    return UserFactory(username="tokyo-two", role="desk_officer", organisation=mission_tokyo, clearance=20)


def test_a_channel_meeting_invites_the_members(
    jitsi: Any, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    channel = channel_create(actor=actor_of(desk_officer), kind="topic", name="APEC preparations", ceiling=10)
    member_add(actor=actor_of(desk_officer), channel_id=channel.pk, username=colleague.username)
    meeting = meeting_start_from_channel(actor=actor_of(colleague), channel_id=channel.pk)
    assert set(meeting.participants.values_list("user_id", flat=True)) == {desk_officer.pk, colleague.pk}
    assert meeting.source == f"chat:{channel.pk}"
    assert "APEC preparations" in meeting.title
    with pytest.raises(NotFound):
        meeting_start_from_channel(actor=actor_of(other_mission_officer), channel_id=channel.pk)


def test_the_channel_page_offers_it_and_the_button_starts_it(jitsi: Any, desk_officer: User) -> None:
    channel = channel_create(actor=actor_of(desk_officer), kind="topic", name="Typhoon response", ceiling=10)
    client = signed_in(desk_officer)
    page = client.get(f"/chat/{channel.pk}/")
    assert f"/meetings/from-channel/{channel.pk}/".encode() in page.content
    response = client.post(f"/meetings/from-channel/{channel.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/meetings/")


def test_without_jitsi_the_channel_page_offers_no_meeting(no_jitsi: Any, desk_officer: User) -> None:
    channel = channel_create(actor=actor_of(desk_officer), kind="topic", name="Quiet", ceiling=10)
    assert b"/meetings/from-channel/" not in signed_in(desk_officer).get(f"/chat/{channel.pk}/").content
