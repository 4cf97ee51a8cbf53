"""Three users per rule: a member (allowed), an officer of another mission, and a partner's user."""

from __future__ import annotations

import dataclasses

import pytest

from chancery.chat.models import Channel
from chancery.chat.permissions import ChannelDraft
from chancery.chat.selectors import channel_list
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["chat.view", "chat.post"])
def test_members_read_and_post_others_do_not(
    action: str, tokyo_channel: Channel, colleague: User, other_mission_officer: User, partner_user: User
) -> None:
    assert access.can(actor_of(colleague), action, tokyo_channel)
    assert not access.can(actor_of(other_mission_officer), action, tokyo_channel)
    assert not access.can(actor_of(partner_user), action, tokyo_channel)
    assert not access.can(Actor.anonymous(), action, tokyo_channel)


def test_topic_channels_are_for_listed_members_only(
    topic_channel: Channel, colleague: User, mission_tokyo: Organisation, other_mission_officer: User
) -> None:
    unlisted = UserFactory.create(username="tokyo-3", role="desk_officer", organisation=mission_tokyo, clearance=10)
    assert access.can(actor_of(colleague), "chat.view", topic_channel)
    assert not access.can(actor_of(unlisted), "chat.view", topic_channel)
    assert not access.can(actor_of(other_mission_officer), "chat.view", topic_channel)


def test_members_below_the_ceiling_do_not_see_the_channel(desk_officer: User, mission_tokyo: Organisation) -> None:
    from chancery.chat.services import channel_create

    cleared = UserFactory.create(username="tokyo-sec", role="mission_officer", organisation=mission_tokyo, clearance=30)
    channel = channel_create(actor=actor_of(cleared), kind="unit", name="Restricted", ceiling=20)
    assert access.can(actor_of(cleared), "chat.view", channel)
    assert not access.can(actor_of(desk_officer), "chat.view", channel)  # INTERNAL clearance, same mission
    assert channel not in channel_list(actor=actor_of(desk_officer))


def test_visibility_lists_exactly_the_member_channels(
    tokyo_channel: Channel, topic_channel: Channel, colleague: User, other_mission_officer: User, partner_user: User
) -> None:
    assert set(channel_list(actor=actor_of(colleague))) == {tokyo_channel, topic_channel}
    assert list(channel_list(actor=actor_of(other_mission_officer))) == []
    assert list(channel_list(actor=actor_of(partner_user))) == []


def test_create_needs_an_internal_user_within_clearance_and_own_unit(
    desk_officer: User, other_mission_officer: User, partner_user: User, mission_tokyo: Organisation
) -> None:
    own = ChannelDraft(kind="mission", organisation_id=mission_tokyo.pk, ceiling=Classification.INTERNAL)
    assert access.can(actor_of(desk_officer), "chat.create", own)
    assert not access.can(actor_of(other_mission_officer), "chat.create", own)  # not their mission
    assert not access.can(actor_of(partner_user), "chat.create", ChannelDraft("topic", None, 0))
    too_high = ChannelDraft(kind="topic", organisation_id=mission_tokyo.pk, ceiling=Classification.SECRET)
    assert not access.can(actor_of(desk_officer), "chat.create", too_high)


def test_manage_is_for_the_creator_and_listed_admins(
    topic_channel: Channel, desk_officer: User, colleague: User, other_mission_officer: User, partner_user: User
) -> None:
    assert access.can(actor_of(desk_officer), "chat.manage", topic_channel)
    assert not access.can(actor_of(colleague), "chat.manage", topic_channel)  # a member, not an admin
    assert not access.can(actor_of(other_mission_officer), "chat.manage", topic_channel)
    assert not access.can(actor_of(partner_user), "chat.manage", topic_channel)


def test_unit_administrators_manage_their_unit_channel(
    tokyo_channel: Channel, colleague: User, mission_tokyo: Organisation, mission_paris: Organisation
) -> None:
    head = UserFactory.create(username="tokyo-head", role="administrator", organisation=mission_tokyo, clearance=10)
    paris_head = UserFactory.create(
        username="paris-head", role="administrator", organisation=mission_paris, clearance=10
    )
    assert access.can(actor_of(head), "chat.manage", tokyo_channel)
    assert not access.can(actor_of(colleague), "chat.manage", tokyo_channel)
    assert not access.can(actor_of(paris_head), "chat.manage", tokyo_channel)


@pytest.mark.parametrize("action", ["chat.legal_hold", "chat.export"])
def test_security_officers_of_headquarters_or_the_unit_hold_and_export(
    action: str,
    tokyo_channel: Channel,
    security_officer: User,
    colleague: User,
    mission_tokyo: Organisation,
    mission_paris: Organisation,
    partner_user: User,
) -> None:
    tokyo_security = UserFactory.create(username="tokyo-so", role="security_officer", organisation=mission_tokyo)
    paris_security = UserFactory.create(username="paris-so", role="security_officer", organisation=mission_paris)
    assert access.can(actor_of(security_officer), action, tokyo_channel)  # headquarters
    assert access.can(actor_of(tokyo_security), action, tokyo_channel)
    assert not access.can(actor_of(paris_security), action, tokyo_channel)
    assert not access.can(actor_of(colleague), action, tokyo_channel)  # a plain member
    assert not access.can(actor_of(partner_user), action, tokyo_channel)


def test_channel_managers_export_but_do_not_hold(topic_channel: Channel, desk_officer: User) -> None:
    assert access.can(actor_of(desk_officer), "chat.export", topic_channel)
    assert not access.can(actor_of(desk_officer), "chat.legal_hold", topic_channel)


def test_a_token_without_chat_scopes_is_refused(tokyo_channel: Channel, colleague: User) -> None:
    narrowed = dataclasses.replace(actor_of(colleague), scopes=frozenset({"vault:read"}))
    assert not access.can(narrowed, "chat.view", tokyo_channel)
    assert access.can(dataclasses.replace(narrowed, scopes=frozenset({"chat:read"})), "chat.view", tokyo_channel)
