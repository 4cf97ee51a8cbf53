"""The chat pages: list with unread counts, posting, errors, direct messages, settings and export."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from chancery.chat.models import Channel, Message
from chancery.chat.services import message_post
from chancery.identity.models import User
from tests.chat.conftest import signed_in
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def test_the_channel_list_shows_unread_counts(tokyo_channel: Channel, desk_officer: User, colleague: User) -> None:
    for body in ("one", "two"):
        message_post(actor=actor_of(desk_officer), channel_id=tokyo_channel.pk, body=body, classification=0)
    page = signed_in(colleague).get(reverse("chat:channel_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tokyo general" in html
    assert f'data-channel="{tokyo_channel.pk}"><strong>2</strong>' in html
    assert reverse("chat:channel_list") in html  # the navigation entry


def test_posting_from_the_channel_page_and_reading_marks_read(
    tokyo_channel: Channel, desk_officer: User, colleague: User
) -> None:
    client = signed_in(desk_officer)
    url = reverse("chat:channel_detail", args=[tokyo_channel.pk])
    response = client.post(url, {"body": "Hello **team**", "classification": "0", "attachments": ""})
    assert response.status_code == 302
    reader = signed_in(colleague)
    page = reader.get(url)
    assert "<strong>team</strong>" in page.content.decode()
    listing = reader.get(reverse("chat:channel_list")).content.decode()
    assert f'data-channel="{tokyo_channel.pk}">0' in listing


def test_a_script_never_reaches_the_page(tokyo_channel: Channel, desk_officer: User, colleague: User) -> None:
    message_post(
        actor=actor_of(desk_officer),
        channel_id=tokyo_channel.pk,
        body="<script>document.title='pwned'</script>hello",
        classification=0,
    )
    html = signed_in(colleague).get(reverse("chat:channel_detail", args=[tokyo_channel.pk])).content.decode()
    assert "<script>document.title" not in html
    assert "hello" in html


def test_bad_input_on_the_page_shows_errors_and_saves_nothing(
    tokyo_channel: Channel, desk_officer: User, settings: object
) -> None:
    client = signed_in(desk_officer)
    url = reverse("chat:channel_detail", args=[tokyo_channel.pk])
    too_long = client.post(url, {"body": "x" * 10_001, "classification": "0"})
    assert too_long.status_code == 400
    assert "The message is too long" in too_long.content.decode()
    bad_attachment = client.post(url, {"body": "see", "classification": "0", "attachments": "424242"})
    assert bad_attachment.status_code == 400
    assert "does not exist or you may not read it" in bad_attachment.content.decode()
    above = client.post(url, {"body": "see", "classification": "20"})  # not offered: above the ceiling
    assert above.status_code == 400
    assert not Message.objects.exists()


def test_outsiders_get_404_on_the_channel_and_partners_are_refused_chat(
    tokyo_channel: Channel, other_mission_officer: User, partner_user: User
) -> None:
    url = reverse("chat:channel_detail", args=[tokyo_channel.pk])
    assert signed_in(other_mission_officer).get(url).status_code == 404
    assert signed_in(other_mission_officer).post(url, {"body": "hi", "classification": "0"}).status_code == 404
    assert signed_in(partner_user).get(reverse("chat:channel_list")).status_code == 403
    assert not Message.objects.exists()


def test_starting_a_direct_conversation(desk_officer: User, other_mission_officer: User, partner_user: User) -> None:
    client = signed_in(desk_officer)
    response = client.post(reverse("chat:direct_start"), {"username": "paris"})
    assert response.status_code == 302
    channel = Channel.objects.get(kind="direct")
    assert response["Location"] == reverse("chat:channel_detail", args=[channel.pk])
    again = client.post(reverse("chat:direct_start"), {"username": "paris"})
    assert again["Location"] == response["Location"]  # the same conversation
    page = signed_in(other_mission_officer).get(again["Location"])
    assert page.status_code == 200
    refused = client.post(reverse("chat:direct_start"), {"username": "partner"})
    assert refused.status_code == 400
    assert "No colleague with that user name" in refused.content.decode()


def test_creating_a_channel_from_the_page(desk_officer: User) -> None:
    client = signed_in(desk_officer)
    response = client.post(reverse("chat:channel_create"), {"kind": "unit", "name": "Tokyo desk", "ceiling": "10"})
    assert response.status_code == 302
    channel = Channel.objects.get(name="Tokyo desk")
    assert channel.kind == "mission"
    refused = client.post(reverse("chat:channel_create"), {"kind": "topic", "name": "", "ceiling": "10"})
    assert refused.status_code == 400


def test_settings_retention_hold_and_export_from_the_pages(
    tokyo_channel: Channel, desk_officer: User, security_officer: User
) -> None:
    manager = signed_in(desk_officer)
    settings_url = reverse("chat:channel_settings", args=[tokyo_channel.pk])
    assert manager.get(settings_url).status_code == 200
    manager.post(reverse("chat:retention_set", args=[tokyo_channel.pk]), {"retention_days": "90"})
    tokyo_channel.refresh_from_db()
    assert tokyo_channel.retention_days == 90
    officer = signed_in(security_officer)
    page = officer.get(reverse("chat:channel_list")).content.decode()
    assert settings_url in page  # overseen channels are listed for security officers
    officer.post(reverse("chat:legal_hold_place", args=[tokyo_channel.pk]), {"reason": "Inquiry"})
    tokyo_channel.refresh_from_db()
    assert tokyo_channel.on_legal_hold
    assert "Inquiry" in officer.get(settings_url).content.decode()
    download = officer.post(reverse("chat:export", args=[tokyo_channel.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert set(archive.namelist()) == {"messages.json", "channel.html"}
    officer.post(reverse("chat:legal_hold_lift", args=[tokyo_channel.pk]))
    tokyo_channel.refresh_from_db()
    assert not tokyo_channel.on_legal_hold


def test_topic_members_are_added_and_removed_by_the_admin(
    topic_channel: Channel, desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    admin = signed_in(desk_officer)
    admin.post(reverse("chat:member_add", args=[topic_channel.pk]), {"username": "paris"})
    assert topic_channel.members.filter(user=other_mission_officer).exists()
    admin.post(reverse("chat:member_remove", args=[topic_channel.pk, other_mission_officer.pk]))
    assert not topic_channel.members.filter(user=other_mission_officer).exists()
    member = signed_in(colleague)
    member.post(reverse("chat:member_add", args=[topic_channel.pk]), {"username": "paris"})
    assert not topic_channel.members.filter(user=other_mission_officer).exists()


def test_the_channel_list_needs_the_same_queries_however_many_channels(
    desk_officer: User, colleague: User, other_mission_officer: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chancery.chat.services import channel_create, direct_open

    client = signed_in(desk_officer)
    channel_create(actor=actor_of(desk_officer), kind="topic", name="first", ceiling=0)
    client.get(reverse("chat:channel_list"))  # warm the session and the keyring
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("chat:channel_list"))
    for n in range(3):
        channel = channel_create(actor=actor_of(desk_officer), kind="topic", name=f"more {n}", ceiling=0)
        message_post(actor=actor_of(desk_officer), channel_id=channel.pk, body="hi", classification=0)
    direct_open(actor=actor_of(desk_officer), username=colleague.username)
    direct_open(actor=actor_of(desk_officer), username=other_mission_officer.username)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("chat:channel_list"))
    assert page.content.decode().count("chat-row") == 6
    assert len(many) == len(one)


def test_the_channel_page_reloads_on_its_own_live_events(desk_officer: User, tokyo_channel: Channel) -> None:
    page = signed_in(desk_officer).get(f"/chat/{tokyo_channel.pk}/").content.decode()
    assert f'data-reload="channel_id:{tokyo_channel.pk}"' in page
