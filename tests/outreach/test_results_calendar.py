"""The calendar's week and month views share one post partial and filter by campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from chancery.missions.models import Organisation
from chancery.outreach import services
from tests.conftest import actor_of
from tests.outreach.factories import draft, press_officer

pytestmark = pytest.mark.django_db


def test_week_and_month_filter_by_campaign(ministry: Organisation) -> None:
    author = press_officer(ministry)
    campaign = services.campaign_create(
        actor=actor_of(author),
        campaign=services.CampaignIn(name_vi="Văn hóa", name_en="Culture", starts_on=date(2026, 3, 1)),
    )
    when = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    draft(author, [], title="In the campaign", scheduled_for=when, campaign_id=campaign.pk)
    draft(author, [], title="Outside it", scheduled_for=when)
    client = Client()
    client.force_login(author)
    for url, keep in (("/outreach/", {"week": "2026-03-02"}), ("/outreach/month/", {"month": "2026-03"})):
        both = client.get(url, keep).content.decode()
        assert "In the campaign" in both
        assert "Outside it" in both
        assert '<span class="badge" lang="en">Culture</span>' in both
        only = client.get(url, {**keep, "campaign": str(campaign.pk)}).content.decode()
        assert "In the campaign" in only
        assert "Outside it" not in only
        assert f"campaign={campaign.pk}" in only  # the other view and the neighbouring periods keep the filter
        assert client.get(url, {**keep, "campaign": "nonsense"}).status_code == 200
