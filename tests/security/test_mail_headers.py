"""V1.3.11: user text reaching an e-mail header cannot add headers or recipients."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from chancery.identity.models import User
from chancery.meetings.services import meeting_schedule
from chancery.platform.errors import InvalidInput
from tests.conftest import actor_of
from tests.meetings.conftest import jitsi  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", ["Weekly\r\nBcc: spy@attacker.example", "Weekly\nTo: spy@attacker.example"])
def test_a_meeting_title_cannot_inject_mail_headers(
    jitsi: Any,  # noqa: F811
    desk_officer: User,
    django_capture_on_commit_callbacks: Any,
    title: str,
) -> None:
    guest = User.objects.create(
        username="tokyo-guest",
        email="guest@mofa.test",
        role="desk_officer",
        organisation=desk_officer.organisation,
        clearance=2,
    )
    outcome: Exception | None = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            meeting_schedule(
                actor=actor_of(desk_officer),
                title=title,
                starts_at=timezone.now() + timedelta(hours=2),
                duration_minutes=30,
                participants=[guest.username],
            )
    except (InvalidInput, ValueError) as error:  # refused at input, or Django's BadHeaderError at sending
        outcome = error
    if isinstance(outcome, InvalidInput):
        assert "title" in outcome.errors
    if outcome is not None:
        assert mail.outbox == []
    for message in mail.outbox:
        assert message.recipients() == ["guest@mofa.test"]
        assert "\n" not in message.subject
        assert "\r" not in message.subject
        assert "attacker" not in str(message.message()["Bcc"] or "")
