"""Campaigns: created by press officers of a unit in both languages; posts join their own unit's only."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.outreach import selectors, services
from chancery.outreach.models import Campaign
from chancery.platform.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import actor_of
from tests.outreach.factories import TEXT_EN, TEXT_VI, draft, press_officer, user

pytestmark = pytest.mark.django_db
NATIONAL_DAY = services.CampaignIn(
    name_vi="Quốc khánh 2/9", name_en="National Day", starts_on=date(2026, 8, 25), ends_on=date(2026, 9, 3)
)


def test_campaign_three_users(ministry: Organisation, mission_paris: Organisation) -> None:
    author = press_officer(ministry)
    campaign = services.campaign_create(actor=actor_of(author), campaign=NATIONAL_DAY)
    assert AuditEvent.objects.filter(action="outreach.campaign_created", object_id=str(campaign.pk)).exists()
    paris = press_officer(mission_paris, "paris")
    partner_org = Organisation.objects.create(code="partner-c", name_en="C", name_vi="C", kind="partner_ministry")
    partner = user("partner", Role.PARTNER, partner_org)
    assert list(selectors.campaign_list(actor=actor_of(author))) == [campaign]
    assert list(selectors.campaign_list(actor=actor_of(paris))) == []  # another unit
    assert list(selectors.campaign_list(actor=actor_of(partner))) == []
    with pytest.raises(NotFound):
        selectors.campaign_get(actor=actor_of(paris), campaign_id=campaign.pk)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=actor_of(partner), campaign=NATIONAL_DAY)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=actor_of(user("desk", Role.DESK_OFFICER, ministry)), campaign=NATIONAL_DAY)
    # A post may join only its own unit's campaign.
    with pytest.raises(InvalidInput) as caught:
        draft(paris, [], campaign_id=campaign.pk)
    assert "campaign_id" in caught.value.errors
    post = draft(author, [], campaign_id=campaign.pk)
    assert list(selectors.campaign_get(actor=actor_of(author), campaign_id=campaign.pk)[1]) == [post]


def test_campaign_validation(ministry: Organisation) -> None:
    author = press_officer(ministry)
    bad = services.CampaignIn(name_vi=" ", name_en="X", starts_on=date(2026, 9, 3), ends_on=date(2026, 9, 1))
    with pytest.raises(InvalidInput) as caught:
        services.campaign_create(actor=actor_of(author), campaign=bad)
    assert set(caught.value.errors) == {"name_vi", "ends_on"}
    assert not Campaign.objects.exists()


def test_campaign_pages_and_post_form(ministry: Organisation) -> None:
    author: User = press_officer(ministry)
    client = Client()
    client.force_login(author)
    created = client.post(
        reverse("outreach:campaigns"),
        {"name_vi": "Quốc khánh", "name_en": "National Day", "starts_on": "2026-08-25", "ends_on": ""},
    )
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    form = {
        "title": "Greetings",
        "text_vi": TEXT_VI,
        "text_en": TEXT_EN,
        "scheduled_for": "2026-09-02T08:00",
        "campaign": str(campaign.pk),
    }
    saved = client.post(reverse("outreach:compose"), form)
    assert saved.status_code == 302
    page = client.get(reverse("outreach:campaign", args=[campaign.pk])).content.decode()
    assert "Greetings" in page
    assert "Quốc khánh" in page
    listing = client.get(reverse("outreach:campaigns")).content.decode()
    assert "National Day" in listing
    refused = client.post(reverse("outreach:campaigns"), {"name_vi": "", "name_en": "", "starts_on": "x"})
    assert refused.status_code == 400
