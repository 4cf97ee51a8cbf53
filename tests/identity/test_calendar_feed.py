"""The calendar feed's URL token (ASVS 14.2.1): never referred, cached or logged; rotatable and revocable."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from chancery.agreements import obligations
from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from tests.conftest import actor_of
from tests.factories import UserFactory
from tests.identity.conftest import sign_in_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def treaty(ministry: Organisation) -> User:
    return UserFactory(username="treaty", role=Role.TREATY_OFFICER, organisation=ministry)


def test_feed_is_not_referred_cached_or_logged(treaty: User, caplog: pytest.LogCaptureFixture) -> None:
    token = obligations.calendar_token_issue(actor=actor_of(treaty))
    response = Client().get(reverse("agreements:user_feed", args=[token]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        missing = Client().get(reverse("agreements:user_feed", args=["a-guessed-token-value"]))
    assert missing.status_code == 404
    assert missing["Referrer-Policy"] == "no-referrer"
    assert "a-guessed-token-value" not in caplog.text


def test_feed_can_be_turned_off_and_rotated(treaty: User) -> None:
    first = obligations.calendar_token_issue(actor=actor_of(treaty))
    client = Client()
    sign_in_password(client, "treaty")
    assert "Calendar feed" in client.get("/me/security/").content.decode()
    rotated = client.post(reverse("agreements:calendar_token"))
    assert rotated.status_code == 200
    assert Client().get(reverse("agreements:user_feed", args=[first])).status_code == 404
    response = client.post(reverse("agreements:calendar_token_revoke"))
    assert response.status_code == 302
    assert not obligations.calendar_token_revoke(actor=actor_of(treaty))  # nothing left to revoke
    assert AuditEvent.objects.filter(action="agreements.calendar_token_revoke").count() == 1
