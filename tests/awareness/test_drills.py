"""Done-when: a drill runs end to end against a local SMTP server (aiosmtpd): delivered, opened, clicked,
submitted (nothing typed is stored), reported, the clicker enrolled, and the phish-prone percentage."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone

from chancery.awareness import drills, services
from chancery.awareness.enums import CampaignState, ReportStatus
from chancery.awareness.models import Campaign, Course, DrillTemplate, Enrollment, Recipient
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Sink:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://chancery.test"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def template() -> DrillTemplate:
    course = Course.objects.create(
        slug="phishing-basics", title_en="Recognising phishing", title_vi="Nhận biết lừa đảo"
    )
    return DrillTemplate.objects.create(
        name="Password expiry",
        sender_name="IT Service Desk",
        sender_address="helpdesk@mofa-support.example",
        subject="Your password expires today",
        body="Dear colleague,\nyour password expires today. Keep it here: {link}\nIT Service Desk",
        landing_title="Ministry sign-in",
        landing_prompt="Sign in to keep your password.",
        course=course,
    )


def _link(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    found = re.search(r"https://chancery\.test(/drill/[^\s]+/)", text.get_content())
    assert found is not None
    return found.group(1)


def test_drill_end_to_end(
    smtp: Sink,
    template: DrillTemplate,
    security_officer: User,
    desk_officer: User,
    mission_tokyo: Organisation,
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    desk_officer.email = "desk@mofa.example"
    desk_officer.save()
    careful = UserFactory(
        username="careful", role=Role.DESK_OFFICER, organisation=mission_tokyo, email="careful@mofa.example"
    )
    officer = actor_of(security_officer)
    campaign = drills.campaign_create(
        actor=officer,
        name="Q4 drill Tokyo",
        template=template,
        target_roles=[],
        target_organisations=[mission_tokyo.pk],
        scheduled_at=timezone.now() - timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert drills.campaigns_launch_due(actor=Actor.system(purpose="test")) == 1
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SENT
    assert sorted(rcpt for rcpts, _raw in smtp.messages for rcpt in rcpts) == [
        "careful@mofa.example",
        "desk@mofa.example",
    ]
    assert Recipient.objects.filter(delivered_at__isnull=False).count() == 2

    raw_by_rcpt = {rcpts[0]: raw for rcpts, raw in smtp.messages}
    link = _link(raw_by_rcpt["desk@mofa.example"])
    html = message_from_bytes(raw_by_rcpt["desk@mofa.example"], policy=policy.default).get_body(
        preferencelist=("html",)
    )
    assert html is not None
    pixel = re.search(r'src="https://chancery\.test(/drill/[^"]+/o\.gif)"', html.get_content())
    assert pixel is not None

    assert client.get(pixel.group(1))["Content-Type"] == "image/gif"
    landing = client.get(link)
    assert landing.status_code == 200
    assert 'name="password"' not in landing.content.decode()  # inputs without names: nothing is sent
    submitted = client.post(link + "submit/", {"password": "hunter2-typed"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This was a phishing drill" in submitted.content.decode()

    desk = Recipient.objects.get(user=desk_officer)
    assert desk.opened_at is not None
    assert desk.clicked_at is not None
    assert desk.submitted_at is not None
    assert "hunter2" not in str(Recipient.objects.values()) + str(Enrollment.objects.values())
    assert Enrollment.objects.filter(user=desk_officer, course=template.course).exists()
    assert not Enrollment.objects.filter(user=careful).exists()

    report = services.phishing_report_submit(actor=actor_of(careful), data=raw_by_rcpt["careful@mofa.example"])
    assert report.status == ReportStatus.DISMISSED
    assert Recipient.objects.get(user=careful).reported_at is not None

    [tokyo] = drills.drill_results(actor=officer, campaign=campaign)
    assert (tokyo.organisation_id, tokyo.delivered, tokyo.failed, tokyo.reported) == (mission_tokyo.pk, 2, 1, 1)
    assert tokyo.phish_prone == 50.0
    assert tokyo.organisation_code == "emb-tokyo"


def test_bad_tokens_and_someone_elses_report(
    client: Client, template: DrillTemplate, security_officer: User, desk_officer: User, other_mission_officer: User
) -> None:
    assert client.get("/drill/forged-token/").status_code == 404
    assert client.get("/drill/forged-token/o.gif")["Content-Type"] == "image/gif"  # no oracle for scanners
    assert client.post("/drill/forged-token/submit/").status_code == 404
    recipient = Recipient.objects.create(
        campaign=drills.campaign_create(
            actor=actor_of(security_officer),
            name="x",
            template=template,
            target_roles=[Role.DESK_OFFICER],
            target_organisations=[],
            scheduled_at=timezone.now(),
        ),
        user=desk_officer,
    )
    token = drills.drill_token(recipient)
    assert not drills.drill_reported(actor=actor_of(other_mission_officer), token=token)
    assert drills.drill_reported(actor=actor_of(desk_officer), token=token)


def test_only_security_officers_run_drills(
    template: DrillTemplate, security_officer: User, desk_officer: User, ministry: Organisation
) -> None:
    partner = UserFactory(
        username="partner-x",
        role=Role.PARTNER,
        organisation=Organisation.objects.create(code="p-x", kind="partner_ministry", name_en="P", name_vi="P"),
    )
    for refused in (desk_officer, partner):
        with pytest.raises(PermissionDenied):
            drills.campaign_create(
                actor=actor_of(refused),
                name="x",
                template=template,
                target_roles=[Role.DESK_OFFICER],
                target_organisations=[],
                scheduled_at=timezone.now(),
            )
        with pytest.raises(PermissionDenied):
            drills.drill_results(actor=actor_of(refused))
    assert drills.drill_results(actor=actor_of(security_officer)) == []


def test_the_launcher_is_a_registered_periodic_job() -> None:
    from chancery.awareness.tasks import launch_due_drills
    from chancery.platform.schedule import periodics

    [job] = [job for job in periodics() if job.name == "awareness.drills"]
    assert job.task is launch_due_drills


def test_drills_page_schedules_and_refuses_staff(
    client: Client, template: DrillTemplate, security_officer: User, desk_officer: User, mission_tokyo: Organisation
) -> None:
    from tests.conftest import enable_totp

    client.force_login(desk_officer)
    assert client.get("/awareness/drills/").status_code == 403
    enable_totp(security_officer)
    client.force_login(security_officer)
    assert "Password expiry" in client.get("/awareness/drills/").content.decode()
    response = client.post(
        "/awareness/drills/",
        {
            "form": "campaign",
            "name": "Tokyo November",
            "template": template.pk,
            "target_organisations": [mission_tokyo.pk],
            "scheduled_at": "2030-01-01T09:00",
        },
    )
    assert response.status_code == 302
    assert Campaign.objects.get().target_organisations == [mission_tokyo.pk]
