"""The reminders job is registered with the scheduler; with a frozen clock a due obligation gives one
in-app reminder and one e-mail, however often the job runs."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from chancery.agreements import obligations, selectors
from chancery.agreements.models import Obligation, Reminder
from chancery.identity.models import User
from chancery.platform.actor import Actor
from chancery.platform.schedule import periodics
from chancery.platform.schedule import services as schedule_services
from chancery.platform.schedule.services import schedule_tick
from tests.agreements.conftest import make_agreement
from tests.conftest import actor_of

pytestmark = pytest.mark.django_db(transaction=True)

JOB = "agreements.obligation_reminders"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULER = Actor.system(purpose="scheduler")


@pytest.fixture
def only_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tick only the agreements job (the other apps' jobs have their own tests)."""
    jobs = [job for job in periodics() if job.name == JOB]
    monkeypatch.setattr(schedule_services, "periodics", lambda: jobs)


@pytest.fixture
def due_report(treaty_officer: User, legal_department: object) -> Obligation:
    treaty_officer.email = "treaty@example.test"
    treaty_officer.save(update_fields=["email"])
    agreement = make_agreement()
    return obligations.obligation_create(
        actor=actor_of(treaty_officer),
        agreement_id=agreement.pk,
        title="Annual implementation report",
        department_code="dept-law",
        owner_username="treaty",
        due_date=dt.date(2026, 3, 31),
        recurrence="annual",
        remind_days_before=30,
    )


def _tick_at(moment: dt.datetime) -> list[str]:
    """Run the scheduler with the clock frozen at ``moment`` (the task reads the date from the clock)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return schedule_tick(actor=SCHEDULER, now=moment)


def test_the_reminders_job_is_registered_hourly() -> None:
    [job] = [job for job in periodics() if job.name == JOB]
    assert job.every == dt.timedelta(hours=1)
    assert job.task.module_path == "chancery.agreements.tasks.send_obligation_reminders"


@pytest.mark.usefixtures("only_reminders")
def test_a_due_obligation_gives_one_reminder_and_one_email(treaty_officer: User, due_report: Obligation) -> None:
    assert _tick_at(dt.datetime(2026, 2, 28, 12, 0, tzinfo=HANOI)) == [JOB]  # a day before the window
    assert not Reminder.objects.exists()
    assert mail.outbox == []
    assert _tick_at(dt.datetime(2026, 3, 1, 0, 30, tzinfo=HANOI)) == [JOB]  # the window opens at midnight
    assert _tick_at(dt.datetime(2026, 3, 1, 0, 45, tzinfo=HANOI)) == []  # not due again within the hour
    assert _tick_at(dt.datetime(2026, 3, 1, 1, 30, tzinfo=HANOI)) == [JOB]  # runs again: nothing new
    assert _tick_at(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HANOI)) == [JOB]
    reminder = Reminder.objects.get()
    assert (reminder.user_id, reminder.due_date) == (treaty_officer.pk, dt.date(2026, 3, 31))
    assert [r.pk for r in selectors.reminder_list(actor=actor_of(treaty_officer))] == [reminder.pk]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["treaty@example.test"]
    assert "2026-03-31" in mail.outbox[0].subject
    assert "Annual implementation report" not in mail.outbox[0].body


@pytest.mark.usefixtures("only_reminders")
def test_meeting_a_recurring_obligation_reminds_again_for_the_next_due_date(
    treaty_officer: User, due_report: Obligation
) -> None:
    _tick_at(dt.datetime(2026, 3, 1, 9, 0, tzinfo=HANOI))
    obligations.obligation_complete(actor=actor_of(treaty_officer), obligation_id=due_report.pk)
    _tick_at(dt.datetime(2027, 3, 1, 9, 0, tzinfo=HANOI))
    _tick_at(dt.datetime(2027, 3, 2, 9, 0, tzinfo=HANOI))
    assert sorted(Reminder.objects.values_list("due_date", flat=True)) == [dt.date(2026, 3, 31), dt.date(2027, 3, 31)]
    assert len(mail.outbox) == 2
