"""Posting and reading messages: sealing, rendering, ceilings, limits, attachments, mentions, unread counts."""

from __future__ import annotations

from typing import Any

import pytest

from chancery.audit.models import AuditEvent
from chancery.chat import selectors
from chancery.chat.models import Channel, Message
from chancery.chat.services import channel_mark_read, member_add, message_post
from chancery.identity.models import User
from chancery.platform.enums import Classification
from chancery.platform.errors import InvalidInput, NotFound
from chancery.platform.events.models import Event
from tests.conftest import actor_of
from tests.vault.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)

SECRETISH = "The delegation will arrive on Tuesday zq8vorpel"


def _post(user: User, channel: Channel, body: str = SECRETISH, **kwargs: Any) -> Message:
    values: dict[str, Any] = {"classification": Classification.INTERNAL, **kwargs}
    return message_post(actor=actor_of(user), channel_id=channel.pk, body=body, **values)


def test_a_message_is_sealed_at_rest_and_read_back_by_members(
    tokyo_channel: Channel, desk_officer: User, colleague: User
) -> None:
    message = _post(desk_officer, tokyo_channel, "Summary: **visit** confirmed.")
    assert b"visit" not in bytes(message.body_sealed)
    [view] = selectors.message_list(actor=actor_of(colleague), channel_id=tokyo_channel.pk)
    assert view.text == "Summary: **visit** confirmed."
    assert "<strong>visit</strong>" in view.html
    audit = AuditEvent.objects.get(action="chat.message_posted")
    assert "visit" not in str(audit.detail)
    assert audit.detail["classification"] == Classification.INTERNAL


def test_a_script_in_a_message_is_neutralised(tokyo_channel: Channel, desk_officer: User, colleague: User) -> None:
    _post(desk_officer, tokyo_channel, 'Hi <script>alert("x")</script> <img src=x onerror=alert(1)> **there**')
    [view] = selectors.message_list(actor=actor_of(colleague), channel_id=tokyo_channel.pk)
    assert "<script" not in view.html
    assert "onerror" not in view.html
    assert "<img" not in view.html
    assert "<strong>there</strong>" in view.html


def test_a_message_above_the_ceiling_is_refused_and_nothing_is_saved(
    tokyo_channel: Channel, desk_officer: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _post(desk_officer, tokyo_channel, classification=Classification.CONFIDENTIAL)
    assert "at most Internal" in refused.value.errors["classification"][0]
    assert not Message.objects.exists()
    assert not Event.objects.filter(kind="chat.message").exists()


def test_an_oversized_or_empty_body_is_refused(tokyo_channel: Channel, desk_officer: User, settings: Any) -> None:
    settings.CHAT_MESSAGE_MAX_CHARS = 100
    with pytest.raises(InvalidInput) as refused:
        _post(desk_officer, tokyo_channel, "x" * 101)
    assert "at most 100 characters" in refused.value.errors["body"][0]
    with pytest.raises(InvalidInput):
        _post(desk_officer, tokyo_channel, "   ")
    _post(desk_officer, tokyo_channel, "x" * 100)
    assert Message.objects.count() == 1


def test_a_non_member_cannot_post(tokyo_channel: Channel, other_mission_officer: User, partner_user: User) -> None:
    for outsider in (other_mission_officer, partner_user):
        with pytest.raises(NotFound):
            _post(outsider, tokyo_channel)
    assert not Message.objects.exists()


def test_attachments_must_be_readable_by_the_sender(
    topic_channel: Channel, desk_officer: User, other_mission_officer: User
) -> None:
    member_add(actor=actor_of(desk_officer), channel_id=topic_channel.pk, username=other_mission_officer.username)
    tokyo_document = upload(actor_of(desk_officer))
    with pytest.raises(InvalidInput) as refused:
        _post(other_mission_officer, topic_channel, attachment_ids=[tokyo_document.pk])
    assert f"{tokyo_document.pk}" in refused.value.errors["attachments"][0]
    with pytest.raises(InvalidInput):
        _post(other_mission_officer, topic_channel, attachment_ids=[999_999])
    assert not Message.objects.exists()


def test_readers_see_an_attachment_only_if_the_vault_lets_them(
    topic_channel: Channel, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    member_add(actor=actor_of(desk_officer), channel_id=topic_channel.pk, username=other_mission_officer.username)
    document = upload(actor_of(desk_officer), title_en="Visit programme")
    _post(desk_officer, topic_channel, "See the programme.", attachment_ids=[document.pk])
    [same_unit] = selectors.message_list(actor=actor_of(colleague), channel_id=topic_channel.pk)
    assert same_unit.attachments[0].available
    assert same_unit.attachments[0].title == "Visit programme"
    [other_unit] = selectors.message_list(actor=actor_of(other_mission_officer), channel_id=topic_channel.pk)
    assert not other_unit.attachments[0].available
    assert other_unit.attachments[0].title == ""


def test_an_attachment_above_the_ceiling_is_refused(tokyo_channel: Channel, mission_tokyo: Any) -> None:
    from tests.factories import UserFactory

    cleared = UserFactory.create(username="tokyo-c", role="mission_officer", organisation=mission_tokyo, clearance=30)
    document = upload(actor_of(cleared), classification=Classification.CONFIDENTIAL)
    with pytest.raises(InvalidInput) as refused:
        _post(cleared, tokyo_channel, attachment_ids=[document.pk])
    assert "above this channel's ceiling" in refused.value.errors["attachments"][0]


def test_live_delivery_carries_no_text_and_mentions_notify(
    tokyo_channel: Channel, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    message = _post(desk_officer, tokyo_channel, f"Please check this, @{colleague.username} and @paris. {SECRETISH}")
    delivered = Event.objects.get(kind="chat.message")
    assert delivered.user_id == colleague.pk
    assert delivered.payload == {
        "channel_id": tokyo_channel.pk,
        "message_id": message.pk,
        "classification": Classification.INTERNAL,
        "author_id": desk_officer.pk,
    }
    assert "zq8vorpel" not in str(list(Event.objects.values_list("payload", flat=True)))
    assert list(Event.objects.filter(kind="chat.mention").values_list("user_id", flat=True)) == [colleague.pk]
    assert list(Event.objects.filter(kind="notification").values_list("user_id", flat=True)) == [colleague.pk]
    assert message.mentioned_ids == [colleague.pk]  # paris is not a member: not notified
    assert not Event.objects.filter(user_id=other_mission_officer.pk).exists()


def test_unread_counts_follow_the_read_marker(tokyo_channel: Channel, desk_officer: User, colleague: User) -> None:
    _post(colleague, tokyo_channel, "mine")  # posting marks the channel read up to one's own message
    _post(desk_officer, tokyo_channel, "one")
    _post(desk_officer, tokyo_channel, "two")

    def unread(user: User) -> int:
        [channel] = selectors.channel_list(actor=actor_of(user))
        return int(channel.unread)  # type: ignore[attr-defined]

    assert unread(colleague) == 2  # one's own messages are never unread
    assert unread(desk_officer) == 0
    channel_mark_read(actor=actor_of(colleague), channel_id=tokyo_channel.pk)
    assert unread(colleague) == 0
    assert selectors.unread_count(actor=actor_of(colleague), channel_id=tokyo_channel.pk) == 0
    _post(desk_officer, tokyo_channel, "three")
    assert unread(colleague) == 1


def test_key_rotation_rewraps_channel_keys_and_messages_stay_readable(
    tokyo_channel: Channel, desk_officer: User, colleague: User
) -> None:
    from chancery.platform.actor import Actor
    from chancery.vault import maintenance

    _post(desk_officer, tokyo_channel, "before the rotation")
    old_kek = tokyo_channel.kek_id
    maintenance.keys_rotate(actor=Actor.system(purpose="test"))
    tokyo_channel.refresh_from_db()
    assert tokyo_channel.kek_id != old_kek
    [view] = selectors.message_list(actor=actor_of(colleague), channel_id=tokyo_channel.pk)
    assert view.text == "before the rotation"
