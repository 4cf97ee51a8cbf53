"""The chat API at /api/v1/chat: channels, messages, problem+json on bad input, hiding, retention, export."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from chancery.chat.models import Channel, Message
from chancery.identity.models import User
from tests.chat.conftest import signed_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"


def _json(client: Client, method: str, url: str, body: object = None) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_create_post_list_and_read_through_the_api(desk_officer: User, colleague: User) -> None:
    author = signed_in(desk_officer)
    created = _json(author, "post", f"{BASE}/channels", {"kind": "topic", "name": "G20", "ceiling": 10})
    assert created.status_code == 201, created.content
    channel_id = created.json()["id"]
    assert created.json()["kind"] == "topic"
    added = _json(author, "post", f"{BASE}/channels/{channel_id}/members", {"username": "tokyo-2"})
    assert added.status_code == 204
    posted = _json(
        author, "post", f"{BASE}/channels/{channel_id}/messages", {"body": "Hi @tokyo-2", "classification": 10}
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["mentions"] == [colleague.pk]
    reader = signed_in(colleague)
    listed = reader.get(f"{BASE}/channels").json()
    assert listed["count"] == 1
    assert listed["items"][0]["unread"] == 1
    messages = reader.get(f"{BASE}/channels/{channel_id}/messages").json()
    assert [m["text"] for m in messages] == ["Hi @tokyo-2"]
    assert reader.post(f"{BASE}/channels/{channel_id}/read").json()["last_read_id"] == messages[0]["id"]
    assert reader.get(f"{BASE}/channels/{channel_id}").json()["unread"] == 0
    members = reader.get(f"{BASE}/channels/{channel_id}/members").json()
    assert {m["username"] for m in members} == {"desk", "tokyo-2"}


def test_bad_messages_are_problems_and_nothing_is_saved(tokyo_channel: Channel, desk_officer: User) -> None:
    client = signed_in(desk_officer)
    url = f"{BASE}/channels/{tokyo_channel.pk}/messages"
    above = _json(client, "post", url, {"body": "x", "classification": 20})
    assert above.status_code == 422
    assert above["Content-Type"].startswith("application/problem+json")
    assert "classification" in above.json()["errors"]
    oversized = _json(client, "post", url, {"body": "x" * 10_001, "classification": 0})
    assert oversized.status_code == 422
    assert "body" in oversized.json()["errors"]
    unreadable = _json(client, "post", url, {"body": "x", "classification": 0, "attachments": [31337]})
    assert unreadable.status_code == 422
    assert "attachments" in unreadable.json()["errors"]
    assert not Message.objects.exists()


def test_outsiders_get_404_and_partners_are_refused(
    tokyo_channel: Channel, other_mission_officer: User, partner_user: User
) -> None:
    for user in (other_mission_officer, partner_user):
        client = signed_in(user)
        assert client.get(f"{BASE}/channels/{tokyo_channel.pk}").status_code == 404
        posted = _json(
            client, "post", f"{BASE}/channels/{tokyo_channel.pk}/messages", {"body": "x", "classification": 0}
        )
        assert posted.status_code == 404
    assert signed_in(partner_user).get(f"{BASE}/channels").json()["count"] == 0
    assert not Message.objects.exists()


def test_direct_retention_hold_and_export_through_the_api(
    tokyo_channel: Channel, desk_officer: User, security_officer: User
) -> None:
    client = signed_in(desk_officer)
    direct = _json(client, "post", f"{BASE}/direct", {"username": "tokyo-2"})
    assert direct.status_code == 200
    assert direct.json()["kind"] == "direct"
    kept = _json(client, "put", f"{BASE}/channels/{tokyo_channel.pk}/retention", {"retention_days": 7})
    assert kept.json()["retention_days"] == 7
    officer = signed_in(security_officer)
    held = _json(officer, "post", f"{BASE}/channels/{tokyo_channel.pk}/legal-hold", {"reason": "Audit"})
    assert held.json()["legal_hold"] is True
    assert _json(officer, "post", f"{BASE}/channels/{tokyo_channel.pk}/legal-hold", {"reason": "x"}).status_code == 409
    exported = officer.post(f"{BASE}/channels/{tokyo_channel.pk}/export")
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        assert json.loads(archive.read("messages.json"))["channel"]["legal_hold"] is True
    assert client.post(f"{BASE}/channels/{tokyo_channel.pk}/legal-hold/lift").status_code == 403
    lifted = officer.post(f"{BASE}/channels/{tokyo_channel.pk}/legal-hold/lift")
    assert lifted.json()["legal_hold"] is False
