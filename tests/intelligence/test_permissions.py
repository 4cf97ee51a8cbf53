"""The intelligence rules, each with three users: allowed, another unit or role, and a partner."""

from __future__ import annotations

import pytest

from chancery.identity.models import User
from chancery.intelligence.alerting import watchlist_create
from chancery.intelligence.models import Watchlist
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.actor import Actor
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def test_view_internal_readers_only(analyst: User, other_mission_officer: User, partner_user: User) -> None:
    assert access.can(actor_of(analyst), "intelligence.view")
    assert access.can(actor_of(other_mission_officer), "intelligence.view")  # open-source: every internal unit
    assert not access.can(actor_of(partner_user), "intelligence.view")
    assert not access.can(Actor.anonymous(), "intelligence.view")


def test_administer_analysts_and_administrators(analyst: User, desk_officer: User, partner_user: User) -> None:
    assert access.can(actor_of(analyst), "intelligence.administer")
    assert not access.can(actor_of(desk_officer), "intelligence.administer")
    partner_user.role = "analyst"  # even with an analyst's role a partner never administers
    assert not access.can(actor_of(partner_user), "intelligence.administer")


def test_watchlists_are_private(analyst: User, desk_officer: User, partner_user: User) -> None:
    watchlist = watchlist_create(actor=actor_of(analyst), name="Mine", countries=["VNM"])
    assert access.can(actor_of(analyst), "intelligence.watch", watchlist)
    assert not access.can(actor_of(desk_officer), "intelligence.watch", watchlist)
    assert not access.can(actor_of(partner_user), "intelligence.watch")
    assert list(access.visible(actor_of(desk_officer), "intelligence.watch", Watchlist.objects.all())) == []


def test_brief_members_of_the_desk(
    desk_officer: User, other_mission_officer: User, partner_user: User, mission_tokyo: Organisation, analyst: User
) -> None:
    assert access.can(actor_of(desk_officer), "intelligence.view_brief", mission_tokyo.pk)
    assert not access.can(actor_of(other_mission_officer), "intelligence.view_brief", mission_tokyo.pk)
    assert not access.can(actor_of(partner_user), "intelligence.view_brief", partner_user.organisation_id)
    assert access.can(actor_of(analyst), "intelligence.view_brief", mission_tokyo.pk)


def test_alerts_spikes_for_readers_watch_alerts_for_owners(
    analyst: User, desk_officer: User, partner_user: User
) -> None:
    from chancery.intelligence.models import Alert

    spike = Alert.objects.create(kind="spike", subject="country:ETH", measure="volume")
    mine = Alert.objects.create(kind="watch", owner=analyst)
    assert access.can(actor_of(desk_officer), "intelligence.alerts", spike)
    assert access.can(actor_of(analyst), "intelligence.alerts", mine)
    assert not access.can(actor_of(desk_officer), "intelligence.alerts", mine)
    assert not access.can(actor_of(partner_user), "intelligence.alerts", spike)
