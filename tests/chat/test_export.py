"""Export: a zip with the messages as JSON and a readable, self-contained HTML page; audited; restricted."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from chancery.audit.models import AuditEvent
from chancery.chat.export import channel_export
from chancery.chat.models import Channel
from chancery.chat.services import message_post
from chancery.identity.models import User
from chancery.platform.errors import NotFound, PermissionDenied
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db


def test_the_archive_holds_json_and_a_readable_html_rendering(
    tokyo_channel: Channel, desk_officer: User, colleague: User, security_officer: User
) -> None:
    message_post(
        actor=actor_of(desk_officer),
        channel_id=tokyo_channel.pk,
        body="Agenda:\n- **trade**\n- visas",
        classification=10,
    )
    message_post(
        actor=actor_of(colleague),
        channel_id=tokyo_channel.pk,
        body="Noted, @desk <script>alert(1)</script>",
        classification=0,
    )
    archive = channel_export(actor=actor_of(security_officer), channel_id=tokyo_channel.pk)
    assert archive.message_count == 2
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert sorted(opened.namelist()) == ["channel.html", "messages.json"]
        document = json.loads(opened.read("messages.json"))
        html = opened.read("channel.html").decode()
    assert document["format"] == "chancery-chat-export/1"
    assert document["channel"]["name"] == "Tokyo general"
    assert document["channel"]["exported_by"] == "secoff"
    first, second = document["messages"]
    assert first["author"] == "desk"
    assert first["text"] == "Agenda:\n- **trade**\n- visas"
    assert first["classification"] == 10
    assert second["mentions"] == ["desk"]
    assert "<li><strong>trade</strong></li>" in html
    assert "<h1>Tokyo general</h1>" in html
    assert "<script" not in html  # self-contained and inert: no script of any kind
    assert "http" not in html  # no outside reference
    event = AuditEvent.objects.get(action="chat.exported")
    assert event.detail["messages"] == 2
    assert "trade" not in str(event.detail)


def test_export_is_refused_to_plain_members_and_outsiders(
    tokyo_channel: Channel, colleague: User, other_mission_officer: User, partner_user: User
) -> None:
    with pytest.raises(PermissionDenied):  # a member who does not manage the channel
        channel_export(actor=actor_of(colleague), channel_id=tokyo_channel.pk)
    for user in (other_mission_officer, partner_user):  # outsiders cannot even tell that it exists
        with pytest.raises(NotFound):
            channel_export(actor=actor_of(user), channel_id=tokyo_channel.pk)
    with pytest.raises(NotFound):
        channel_export(actor=actor_of(colleague), channel_id=987654)
    assert not AuditEvent.objects.filter(action="chat.exported").exists()


def test_the_channel_manager_exports_a_topic_channel(topic_channel: Channel, desk_officer: User) -> None:
    archive = channel_export(actor=actor_of(desk_officer), channel_id=topic_channel.pk)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert json.loads(opened.read("messages.json"))["messages"] == []
