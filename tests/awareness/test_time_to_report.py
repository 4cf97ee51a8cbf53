"""Time to report: median minutes from delivery to report, per unit, overall and by month; page, board, API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chancery.awareness.enums import CampaignState
from chancery.awareness.models import Campaign, Course, DrillTemplate, Recipient
from chancery.awareness.report_timing import ReportTime, report_times_get
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of, enable_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOVEMBER = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
OCTOBER = datetime(2026, 10, 6, 9, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def campaigns(security_officer: User) -> tuple[Campaign, Campaign]:
    course = Course.objects.create(slug="phish", title_en="Phishing", title_vi="Lừa đảo")
    template = DrillTemplate.objects.create(
        name="t",
        sender_name="IT",
        sender_address="it@drill.example",
        subject="s",
        body="{link}",
        landing_title="l",
        landing_prompt="p",
        course=course,
    )
    made = []
    for name, sent in (("October", OCTOBER), ("November", NOVEMBER)):
        made.append(
            Campaign.objects.create(
                name=name,
                template=template,
                scheduled_at=sent,
                sent_at=sent,
                state=CampaignState.SENT,
                created_by=security_officer,
            )
        )
    return made[0], made[1]


def _recipient(
    campaign: Campaign, user: User, delivered: datetime, minutes: float | None, clicked: bool = False
) -> None:
    Recipient.objects.create(
        campaign=campaign,
        user=user,
        organisation_id=user.organisation_id,
        delivered_at=delivered,
        clicked_at=delivered if clicked else None,
        reported_at=delivered + timedelta(minutes=minutes) if minutes is not None else None,
    )


def _people(organisation: Organisation, prefix: str, count: int) -> list[User]:
    return [
        UserFactory(
            username=f"{prefix}{n}", role=Role.DESK_OFFICER, organisation=organisation, email=f"{prefix}{n}@x.example"
        )
        for n in range(count)
    ]


def test_medians_by_unit_and_month(
    campaigns: tuple[Campaign, Campaign],
    security_officer: User,
    mission_tokyo: Organisation,
    mission_paris: Organisation,
    english_pages: None,
) -> None:
    october, november = campaigns
    tokyo = _people(mission_tokyo, "tok", 4)
    paris = _people(mission_paris, "par", 2)
    # Tokyo in October: 10, 30 and 200 minutes (median 30); one never reported
    for user, minutes in zip(tokyo, (10, 30, 200, None), strict=True):
        _recipient(october, user, OCTOBER, minutes)
    # Tokyo in November: 5 and 15 minutes (median 10); Paris: 90 minutes; one Paris clicker never reported
    _recipient(november, tokyo[0], NOVEMBER, 5)
    _recipient(november, tokyo[1], NOVEMBER, 15)
    _recipient(november, paris[0], NOVEMBER, 90)
    _recipient(november, paris[1], NOVEMBER, None, clicked=True)
    Recipient.objects.create(campaign=november, user=tokyo[2], organisation=mission_tokyo)  # never delivered

    times = report_times_get(actor=actor_of(security_officer))
    assert times.months == ["2026-10", "2026-11"]
    rows = {row.unit: row for row in times.rows}
    assert rows[mission_tokyo.name_en].overall == ReportTime(reports=5, median_minutes=15.0)
    assert rows[mission_tokyo.name_en].months == [
        ReportTime(reports=3, median_minutes=30.0),
        ReportTime(reports=2, median_minutes=10.0),
    ]
    assert rows[mission_paris.name_en].months == [None, ReportTime(reports=1, median_minutes=90.0)]
    assert times.overall == ReportTime(reports=6, median_minutes=22.5)
    assert ReportTime(reports=1, median_minutes=135.4).label == "2:15"

    only_november = report_times_get(actor=actor_of(security_officer), campaign=november)
    assert only_november.months == ["2026-11"]
    assert only_november.overall == ReportTime(reports=3, median_minutes=15.0)


def test_only_drill_managers_read_it(desk_officer: User, partner_user: User) -> None:
    for user in (desk_officer, partner_user):
        with pytest.raises(PermissionDenied):
            report_times_get(actor=actor_of(user))


def test_drill_page_and_api_show_it_beside_phish_prone(
    client: Client,
    campaigns: tuple[Campaign, Campaign],
    security_officer: User,
    desk_officer: User,
    mission_tokyo: Organisation,
    english_pages: None,
) -> None:
    october, november = campaigns
    tokyo = _people(mission_tokyo, "tok", 2)
    _recipient(october, tokyo[0], OCTOBER, 75)
    _recipient(october, tokyo[1], OCTOBER, None, clicked=True)
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/awareness/drills/").content.decode()
    assert "Time to report by unit" in page
    assert "1:15" in page
    assert "2026-10" in page

    body = client.get("/api/v1/awareness/drill-results").json()
    assert body["months"] == ["2026-10"]
    [unit] = body["units"]
    assert unit["phish_prone"] == 50.0
    assert unit["time_to_report"] == {"reports": 1, "median_minutes": 75.0}
    assert unit["time_to_report_by_month"] == [{"reports": 1, "median_minutes": 75.0}]
    assert body["time_to_report"] == {"reports": 1, "median_minutes": 75.0}
    assert client.get("/api/v1/awareness/drill-results", {"campaign": november.pk}).json()["units"] == []
    assert client.get("/api/v1/awareness/drill-results", {"campaign": 99999}).status_code == 404

    client.force_login(desk_officer)
    assert client.get("/api/v1/awareness/drill-results").status_code == 403
