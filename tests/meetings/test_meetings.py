"""Meetings: rules with three users, validation, no room without Jitsi, from a cable, pages, API, iCalendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from chancery.identity.models import User
from chancery.meetings.models import Meeting
from chancery.meetings.services import (
    meeting_cancel,
    meeting_join,
    meeting_schedule,
    meeting_start_from_cable,
    meeting_start_now,
)
from chancery.missions.models import Organisation
from chancery.platform import access
from chancery.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chancery.platform.events.models import Event
from tests.conftest import actor_of
from tests.factories import OrganisationFactory, UserFactory
from tests.meetings.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(mission_tokyo: Organisation) -> User:
    return UserFactory(username="tokyo-two", role="desk_officer", organisation=mission_tokyo, clearance=2)


@pytest.fixture
def partner() -> User:
    org = OrganisationFactory(code="partner-jp", kind="partner_ministry")
    return UserFactory(username="partner-jp-user", role="partner", organisation=org, clearance=1)


def _schedule(organiser: User, *guests: User, **overrides: Any) -> Meeting:
    values: dict[str, Any] = {
        "title": "Weekly coordination",
        "starts_at": timezone.now() + timedelta(hours=2),
        "duration_minutes": 30,
        "participants": [g.username for g in guests],
    }
    values.update(overrides)
    return meeting_schedule(actor=actor_of(organiser), **values)


def test_without_jitsi_no_room_is_pretended(no_jitsi: Any, desk_officer: User, colleague: User) -> None:
    with pytest.raises(Conflict):
        _schedule(desk_officer, colleague)
    with pytest.raises(Conflict):
        meeting_start_now(actor=actor_of(desk_officer), title="x", participant_ids=[colleague.pk])
    assert Meeting.objects.count() == 0
    page = signed_in(desk_officer).get("/meetings/").content.decode()
    assert 'id="video-unconfigured"' in page
    assert "No Jitsi Meet deployment is configured" in page
    assert "/meetings/new/" not in page
    form = signed_in(desk_officer).get("/meetings/new/").content.decode()
    assert '<form method="post" class="stacked"' not in form
    assert signed_in(desk_officer).get("/api/v1/meetings/video").json() == {"configured": False, "base_url": ""}


def test_schedule_rule_three_users(jitsi: Any, desk_officer: User, other_mission_officer: User, partner: User) -> None:
    assert access.can(actor_of(desk_officer), "meetings.schedule")
    assert access.can(actor_of(other_mission_officer), "meetings.schedule")  # any internal unit schedules
    assert not access.can(actor_of(partner), "meetings.schedule")
    with pytest.raises(PermissionDenied):
        _schedule(partner, desk_officer)


def test_view_join_cancel_rules_three_users(
    jitsi: Any, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    """Organiser (allowed), an invited colleague, and an uninvited officer of another mission."""
    meeting = _schedule(desk_officer, colleague)
    organiser, guest, stranger = actor_of(desk_officer), actor_of(colleague), actor_of(other_mission_officer)
    assert access.can(organiser, "meetings.view", meeting)
    assert access.can(guest, "meetings.view", meeting)
    assert not access.can(stranger, "meetings.view", meeting)
    assert access.can(guest, "meetings.join", meeting)
    assert not access.can(stranger, "meetings.join", meeting)
    with pytest.raises(NotFound):
        meeting_join(actor=stranger, meeting_id=meeting.pk)
    assert access.can(organiser, "meetings.cancel", meeting)
    assert not access.can(guest, "meetings.cancel", meeting)
    with pytest.raises(PermissionDenied):
        meeting_cancel(actor=guest, meeting_id=meeting.pk)
    with pytest.raises(NotFound):
        meeting_cancel(actor=stranger, meeting_id=meeting.pk)
    meeting_cancel(actor=organiser, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert not access.can(guest, "meetings.join", meeting)
    with pytest.raises(PermissionDenied):
        meeting_join(actor=guest, meeting_id=meeting.pk)


def test_bad_input_names_the_fields_and_stores_nothing(jitsi: Any, desk_officer: User, partner: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        _schedule(
            desk_officer,
            partner,
            title=" ",
            starts_at=timezone.now() - timedelta(days=1),
            duration_minutes=1000,
            participants=["nobody", partner.username],
        )
    assert set(refused.value.errors) == {"title", "starts_at", "duration_minutes", "participants"}
    assert Meeting.objects.count() == 0


def test_schedule_invites_live_and_by_mail_with_an_icalendar(
    jitsi: Any, desk_officer: User, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    colleague.email = "two@mofa.test"
    colleague.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _schedule(desk_officer, colleague)
    seats = {p.user_id: p.moderator for p in meeting.participants.all()}
    assert seats == {desk_officer.pk: True, colleague.pk: False}
    assert list(Event.objects.filter(kind="meeting.invited").values_list("user_id", flat=True)) == [colleague.pk]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["two@mofa.test"]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    text = content if isinstance(content, str) else content.decode()
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["summary"]) == "Weekly coordination"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["url"]).endswith(f"/meetings/{meeting.pk}/")
    assert "jwt" not in text  # tokens are issued at join time only


def test_start_now_for_chat_skips_partners(jitsi: Any, desk_officer: User, colleague: User, partner: User) -> None:
    meeting = meeting_start_now(
        actor=actor_of(desk_officer), title="Channel call", participant_ids=[colleague.pk, partner.pk], source="chat:7"
    )
    assert set(meeting.participants.values_list("user_id", flat=True)) == {desk_officer.pk, colleague.pk}
    assert meeting.source == "chat:7"
    assert meeting.starts_at <= timezone.now() < meeting.ends_at


def test_start_from_a_cable_invites_its_readers(
    jitsi: Any, make_released: Any, recipient: User, outsider: User
) -> None:
    cable = make_released()
    meeting = meeting_start_from_cable(actor=actor_of(recipient), cable_id=cable.pk)
    invited = set(meeting.participants.values_list("user__username", flat=True))
    assert {"paris-officer", "tokyo-drafter", "tokyo-head", "asia-desk"} <= invited
    assert "berlin-desk" not in invited  # info-less outsider with no need to know
    assert cable.reference in meeting.title
    assert "visit" not in meeting.title.lower()  # the subject is never copied into the title
    with pytest.raises(NotFound):
        meeting_start_from_cable(actor=actor_of(outsider), cable_id=cable.pk)


def test_pages_schedule_detail_join_invitation(jitsi: Any, desk_officer: User, colleague: User) -> None:
    client = signed_in(desk_officer)
    start = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/meetings/new/",
        {"title": "Budget", "starts_at": start, "duration_minutes": "60", "participants": colleague.username},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert 'id="participants"' in detail
    assert (colleague.get_full_name() or colleague.username) in detail
    join = client.post(f"/meetings/{meeting.pk}/join/")
    assert join.status_code == 302
    assert join["Location"].startswith(f"https://meet.mofa.test/{meeting.room}?jwt=")
    ics = client.get(f"/meetings/{meeting.pk}/invitation.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    bad = client.post("/meetings/new/", {"title": "", "starts_at": start, "duration_minutes": "60", "participants": ""})
    assert bad.status_code == 400
    assert Meeting.objects.count() == 1


def test_pages_hide_meetings_from_strangers(jitsi: Any, desk_officer: User, other_mission_officer: User) -> None:
    meeting = _schedule(desk_officer)
    client = signed_in(other_mission_officer)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/invitation.ics").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/join/").status_code == 404


def test_api_schedule_join_and_list(
    jitsi: Any, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    client = signed_in(desk_officer)
    created = client.post(
        "/api/v1/meetings/",
        {
            "title": "API meeting",
            "starts_at": (timezone.now() + timedelta(hours=3)).isoformat(),
            "duration_minutes": 30,
            "participants": [colleague.username],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["participants"] == [
        {"username": desk_officer.username, "moderator": True},
        {"username": colleague.username, "moderator": False},
    ]
    joined = signed_in(colleague).post(f"/api/v1/meetings/{body['id']}/join")
    assert joined.status_code == 200
    assert joined.json()["url"].endswith(joined.json()["token"])
    assert [m["id"] for m in signed_in(colleague).get("/api/v1/meetings/").json()["items"]] == [body["id"]]
    assert signed_in(other_mission_officer).get(f"/api/v1/meetings/{body['id']}").status_code == 404
    ics = client.get(f"/api/v1/meetings/{body['id']}/invitation.ics")
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")


def test_api_refuses_without_jitsi(no_jitsi: Any, desk_officer: User) -> None:
    response = signed_in(desk_officer).post(
        "/api/v1/meetings/",
        {"title": "x", "starts_at": timezone.now().isoformat(), "duration_minutes": 30, "participants": []},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
