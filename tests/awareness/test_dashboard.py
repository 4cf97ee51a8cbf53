"""The security dashboard: who may see it, what each figure counts, and a query count that does not grow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from chancery.awareness.dashboard import percent, security_dashboard_get
from chancery.awareness.enums import CampaignState
from chancery.awareness.models import Campaign, Course, DrillTemplate, Enrollment, PhishingReport, Recipient
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.enums import TLP, Classification
from chancery.platform.errors import PermissionDenied
from chancery.resilience.monitoring.enums import AlertKind, AlertStatus
from chancery.resilience.monitoring.models import SecurityAlert
from chancery.threatintel.enums import Source
from chancery.threatintel.models import Collection, ObjectRead, StixObject
from tests.conftest import actor_of, enable_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def template() -> DrillTemplate:
    course = Course.objects.create(slug="phishing-basics", title_en="Recognising phishing", title_vi="Nhận biết")
    return DrillTemplate.objects.create(
        name="Password expiry",
        sender_name="IT",
        sender_address="helpdesk@mofa-support.example",
        subject="Your password expires",
        body="{link}",
        landing_title="Sign in",
        landing_prompt="Sign in.",
        course=course,
    )


def _staff(organisation: Organisation, count: int, prefix: str) -> list[User]:
    return [
        UserFactory(
            username=f"{prefix}{i}",
            role=Role.DESK_OFFICER,
            organisation=organisation,
            clearance=Classification.INTERNAL,
        )
        for i in range(count)
    ]


def _campaign(template: DrillTemplate, creator: User, name: str, days_ago: int) -> Campaign:
    sent = timezone.now() - timedelta(days=days_ago)
    return Campaign.objects.create(
        name=name, template=template, scheduled_at=sent, sent_at=sent, state=CampaignState.SENT, created_by=creator
    )


def _recipient(campaign: Campaign, user: User, *, clicked: bool = False, reported: bool = False) -> Recipient:
    now = timezone.now()
    return Recipient.objects.create(
        campaign=campaign,
        user=user,
        organisation_id=user.organisation_id,
        delivered_at=now,
        clicked_at=now if clicked else None,
        reported_at=now if reported else None,
    )


def _stix(collection: Collection, source: str, n: int, *, days_ago: int = 1) -> None:
    added = timezone.now() - timedelta(days=days_ago)
    for i in range(n):
        StixObject.objects.create(
            collection=collection,
            stix_id=f"indicator--{source}-{days_ago}-{i}",
            stix_type="indicator",
            version=added.isoformat(),
            modified_at=added,
            body={},
            tlp=TLP.AMBER,
            date_added=added,
            source=source,
        )


def _populate(template: DrillTemplate, officer: User, tokyo: Organisation, paris: Organisation, scale: int) -> None:
    """Rows in every section, ``scale`` times over (used to check the query count does not grow)."""
    staff = _staff(tokyo, 2 * scale, f"t{scale}-") + _staff(paris, scale, f"p{scale}-")
    for user in staff[:scale]:
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    for index in range(scale):
        campaign = _campaign(template, officer, f"Drill {scale}-{index}", days_ago=index + 1)
        for user in staff:
            _recipient(campaign, user, clicked=user.pk % 2 == 0, reported=user.pk % 3 == 0)
        AccessAttempt.objects.create(
            username=staff[index].username,
            failures_since_start=10,
            ip_address="192.0.2.1",
            user_agent="t",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/",
        )
        SecurityAlert.objects.create(kind=AlertKind.MASS_DOWNLOAD, dedup_key=f"k{scale}-{index}", figures={})
        collection = Collection.objects.create(title=f"Collection {scale}-{index}", created_by=officer)
        _stix(collection, Source.IMPORT, 2)
        ObjectRead.objects.create(
            collection=collection, organisation=tokyo, day=timezone.localdate(), requests=index + 1, served=3
        )
    for user in staff:
        Enrollment.objects.create(course=template.course, user=user, reason="drill")


def test_only_the_ministry_security_officers_and_administrators_see_it(
    security_officer: User, desk_officer: User, partner_user: User, mission_tokyo: Organisation, ministry: Organisation
) -> None:
    tokyo_security = UserFactory(
        username="tokyo-sec", role=Role.SECURITY_OFFICER, organisation=mission_tokyo, clearance=Classification.SECRET
    )
    administrator = UserFactory(
        username="hq-admin", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
    )
    assert access.can(actor_of(security_officer), "awareness.dashboard")
    assert access.can(actor_of(administrator), "awareness.dashboard")
    for refused in (desk_officer, tokyo_security, partner_user):  # other role; other unit; partner
        assert not access.can(actor_of(refused), "awareness.dashboard")
        with pytest.raises(PermissionDenied):
            security_dashboard_get(actor=actor_of(refused))


def test_the_page_is_refused_to_desk_officers_and_partners(
    client: Client, security_officer: User, desk_officer: User, partner_user: User
) -> None:
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/awareness/dashboard/")
    assert page.status_code == 200
    assert "Security dashboard" in page.content.decode()
    for refused in (desk_officer, partner_user):
        client.force_login(refused)
        assert client.get("/awareness/dashboard/").status_code == 403
    client.logout()
    assert client.get("/awareness/dashboard/").status_code == 302


def test_figures_count_what_they_claim(
    security_officer: User,
    desk_officer: User,
    mission_tokyo: Organisation,
    mission_paris: Organisation,
    template: DrillTemplate,
) -> None:
    tokyo = [desk_officer, *_staff(mission_tokyo, 3, "tok")]
    paris = _staff(mission_paris, 2, "par")
    Authenticator.objects.create(user=tokyo[1], type=Authenticator.Type.TOTP, data={})
    Authenticator.objects.create(user=tokyo[2], type=Authenticator.Type.RECOVERY_CODES, data={})  # not a factor
    User.objects.filter(pk=paris[1].pk).update(is_active=False)
    old = _campaign(template, security_officer, "Spring", days_ago=60)
    new = _campaign(template, security_officer, "Autumn", days_ago=2)
    for i, user in enumerate(tokyo):
        _recipient(old, user, clicked=i < 2)  # 2 of 4
        _recipient(new, user, clicked=i < 1, reported=i == 3)  # 1 of 4
    _recipient(new, paris[0], clicked=True)
    past, future = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=5)
    Enrollment.objects.create(course=template.course, user=tokyo[0], reason="r", due_at=past)  # overdue
    Enrollment.objects.create(course=template.course, user=tokyo[1], reason="r", due_at=future)
    Enrollment.objects.create(course=template.course, user=tokyo[2], reason="r", due_at=past, completed_at=past)
    PhishingReport.objects.create(reporter=desk_officer, organisation=mission_tokyo, message_sha256="a" * 64, size=1)
    PhishingReport.objects.create(
        reporter=desk_officer, organisation=mission_tokyo, message_sha256="b" * 64, size=1, status="dismissed"
    )
    SecurityAlert.objects.create(kind=AlertKind.MASS_DOWNLOAD, dedup_key="open", figures={})
    SecurityAlert.objects.create(kind=AlertKind.MASS_DOWNLOAD, dedup_key="closed", status=AlertStatus.CLOSED)
    AccessAttempt.objects.create(
        username=tokyo[3].username, failures_since_start=50, user_agent="t", ip_address="192.0.2.1", path_info="/"
    )
    shared = Collection.objects.create(title="Shared", created_by=security_officer)
    _stix(shared, Source.IMPORT, 2)
    _stix(shared, Source.TAXII_PUSH, 1)
    _stix(shared, Source.TAXII_PULL, 3)
    _stix(shared, Source.PHISHING, 1)
    _stix(shared, Source.TAXII_PULL, 4, days_ago=40)  # outside the window

    board = security_dashboard_get(actor=actor_of(security_officer))

    assert board.mfa_by_unit is not None
    by_unit = {row.label: (row.active, row.with_mfa) for row in board.mfa_by_unit}
    assert by_unit[mission_tokyo.name] == (4, 1)
    assert by_unit[mission_paris.name] == (1, 0)  # the inactive account is not counted
    assert board.mfa_by_role is not None
    assert {row.label: row.with_mfa for row in board.mfa_by_role}["Desk officer"] == 1
    assert board.lockouts is not None
    assert [locked.username for locked in board.lockouts] == [tokyo[3].username]
    training = {row.unit: (row.assigned, row.completed, row.overdue, row.percent) for row in board.training}
    assert training[mission_tokyo.name] == (3, 1, 1, 33)
    assert [c.name for c in board.trend.campaigns] == ["Spring", "Autumn"]
    trend = {row.unit: [cell.percent if cell else None for cell in row.cells] for row in board.trend.rows}
    assert trend[mission_tokyo.name] == [50, 25]
    assert trend[mission_paris.name] == [None, 100]
    tokyo_new = next(row for row in board.trend.rows if row.unit == mission_tokyo.name).cells[1]
    assert tokyo_new is not None
    assert tokyo_new.reported == 1
    assert board.reports.count == 1
    assert board.alerts is not None
    assert [(row.kind, row.count) for row in board.alerts] == [(str(AlertKind.MASS_DOWNLOAD.label), 1)]
    assert board.exchange is not None
    assert [(r.title, r.imported, r.pulled, r.published) for r in board.exchange] == [("Shared", 3, 3, 1)]


def test_an_administrator_gets_no_alert_section_but_the_rest(ministry: Organisation) -> None:
    administrator = UserFactory(
        username="hq-admin", role=Role.ADMINISTRATOR, organisation=ministry, clearance=Classification.SECRET
    )
    board = security_dashboard_get(actor=actor_of(administrator))
    assert board.alerts is None  # alerts are for the ministry's security officers only
    assert board.mfa_by_role is not None
    assert board.exchange == []


def test_query_count_does_not_grow_with_rows(
    security_officer: User, mission_tokyo: Organisation, mission_paris: Organisation, template: DrillTemplate
) -> None:
    actor = actor_of(security_officer)
    _populate(template, security_officer, mission_tokyo, mission_paris, scale=1)
    with CaptureQueriesContext(connection) as small:
        security_dashboard_get(actor=actor)
    _populate(template, security_officer, mission_tokyo, mission_paris, scale=4)
    with CaptureQueriesContext(connection) as large:
        board = security_dashboard_get(actor=actor)
    assert len(board.trend.campaigns) == 5
    assert board.lockouts is not None
    assert len(board.lockouts) == 5
    assert board.pulled_by_partners is not None
    assert len(board.pulled_by_partners) == 5
    assert board.report_times.overall is not None
    assert len(large.captured_queries) == len(small.captured_queries) <= 15


def test_page_renders_every_section_without_scripts(
    client: Client, security_officer: User, desk_officer: User, template: DrillTemplate
) -> None:
    _recipient(_campaign(template, security_officer, "Autumn", days_ago=1), desk_officer, clicked=True)
    enable_totp(security_officer)
    client.force_login(security_officer)
    page = client.get("/awareness/dashboard/").content.decode()
    for heading in (
        "Two-factor sign-in coverage",
        "Locked accounts",
        "Training compliance by unit",
        "Phish-prone percentage by unit",
        "Autumn",
        "Open security alerts",
        "Threat-intelligence exchange in the last 30 days",
        "Time to report by unit",
        "Fetched by partners over TAXII in the last 30 days",
    ):
        assert heading in page
    assert "100&nbsp;%" in page  # the one recipient clicked
    assert "<script" not in page


def test_percent_is_none_without_a_whole() -> None:
    assert percent(0, 0) is None
    assert percent(1, 3) == 33
    assert percent(2, 2) == 100


def test_units_are_named_in_the_active_language(
    security_officer: User, desk_officer: User, mission_tokyo: Organisation, template: DrillTemplate
) -> None:
    _recipient(_campaign(template, security_officer, "Autumn", days_ago=1), desk_officer, clicked=True)
    Enrollment.objects.create(course=template.course, user=desk_officer, reason="r")
    with translation.override("vi"):
        board = security_dashboard_get(actor=actor_of(security_officer))
        officer_label = str(Role.SECURITY_OFFICER.label)
    assert officer_label != "Security officer"
    assert board.mfa_by_unit is not None
    assert board.mfa_by_role is not None
    assert officer_label in {row.label for row in board.mfa_by_role}
    assert mission_tokyo.name_vi in {row.label for row in board.mfa_by_unit}
    assert [row.unit for row in board.training] == [mission_tokyo.name_vi]
    assert [row.unit for row in board.trend.rows] == [mission_tokyo.name_vi]
