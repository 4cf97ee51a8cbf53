"""The demo channels: seeded once through the services, with illustrative messages members can read."""

from __future__ import annotations

import pytest

from chancery.chat.demo import TOPIC_NAME, chat_demo_seed
from chancery.chat.models import Channel, Message
from chancery.chat.selectors import channel_list, message_list
from chancery.identity.models import User
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import MissionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_channels_are_seeded_once_and_readable() -> None:
    ministry = OrganisationFactory.create(code="mofa", kind="ministry")
    northeast = OrganisationFactory.create(code="dept-northeast-asia", parent=ministry)
    economic = OrganisationFactory.create(code="dept-economic", parent=ministry)
    tokyo_mission = MissionFactory.create(code="emb-tokyo", parent=ministry)
    users: dict[str, User] = {
        "desk": UserFactory.create(username="desk", role="desk_officer", organisation=northeast, clearance=20),
        "analyst": UserFactory.create(username="analyst", role="analyst", organisation=economic, clearance=30),
        "tokyo": UserFactory.create(username="tokyo", role="mission_officer", organisation=tokyo_mission, clearance=30),
    }
    assert chat_demo_seed() == 4
    assert chat_demo_seed() == 0
    assert Channel.objects.count() == 4
    topic = Channel.objects.get(name=TOPIC_NAME)
    assert topic.ceiling == Classification.CONFIDENTIAL
    assert topic.retention_days == 365
    texts = [view.text for view in message_list(actor=actor_of(users["analyst"]), channel_id=topic.pk)]
    assert len(texts) == 3
    assert all(text.startswith("Illustrative") for text in texts)
    assert Message.objects.count() == 6
    tokyo_channels = {channel.kind for channel in channel_list(actor=actor_of(users["tokyo"]))}
    assert tokyo_channels == {"topic", "mission", "direct"}
