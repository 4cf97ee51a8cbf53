"""Idle and absolute session timeouts (by editing the session's timestamps), and the own-sessions list."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from chancery.audit.models import AuditEvent
from chancery.identity.middleware import SESSION_SEEN, SESSION_STARTED
from chancery.identity.models import User
from tests.factories import TEST_PASSWORD
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db


def signed_in(username: str = "desk") -> Client:
    client = Client()
    sign_in_password(client, username)
    assert client.get("/").status_code == 200  # records the start and last activity
    return client


def shift(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(session[key]) - seconds
    session.save()


def test_active_session_within_both_limits_stays_signed_in(desk_officer: User) -> None:
    client = signed_in()
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/").status_code == 200


def test_idle_session_is_signed_out(desk_officer: User) -> None:
    client = signed_in()
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="identity.signed_out")
    assert event.detail == {"reason": "idle"}
    assert event.actor_id == desk_officer.pk


def test_absolute_limit_applies_even_to_an_active_session(desk_officer: User) -> None:
    client = signed_in()
    shift(client, SESSION_STARTED, settings.SESSION_ABSOLUTE_TIMEOUT + 5)
    session = client.session
    session[SESSION_SEEN] = int(time.time())  # active a moment ago
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="identity.signed_out").detail == {"reason": "absolute"}


def test_expiry_message_is_shown_on_the_sign_in_page(desk_officer: User) -> None:
    client = signed_in()
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/", follow=True)
    assert "Your session has expired" in response.content.decode()


def test_sessions_list_and_signing_out_other_sessions(desk_officer: User) -> None:
    other = signed_in()
    mine = signed_in()
    page = mine.get("/accounts/sessions/")
    assert page.status_code == 200
    mine.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})  # ending sessions needs a fresh one
    response = mine.post("/accounts/sessions/")
    assert response.status_code == 302
    assert other.get("/").status_code == 302  # the other browser is signed out
    assert mine.get("/").status_code == 200
    event = AuditEvent.objects.get(action="identity.session_revoked")
    assert event.detail == {"count": 1}
    assert event.actor_id == desk_officer.pk


def test_security_page_links_sessions_mfa_password_and_tokens_section(desk_officer: User) -> None:
    client = signed_in()
    html = client.get("/me/security/").content.decode()
    assert 'href="/accounts/sessions/"' in html
    assert 'href="/accounts/2fa/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert "API tokens" in html
    assert "<h1>" in html
