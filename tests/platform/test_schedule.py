"""The periodic-job scheduler: registry, due jobs enqueued once per interval, only by the system."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chancery.platform.actor import Actor
from chancery.platform.errors import PermissionDenied
from chancery.platform.schedule import Periodic, periodics, register
from chancery.platform.schedule import registry as schedule_registry
from chancery.platform.schedule import services as schedule_services
from chancery.platform.schedule.models import ScheduledRun
from chancery.platform.schedule.runner import scheduler_start
from chancery.platform.schedule.selectors import schedule_list
from chancery.platform.schedule.services import schedule_tick
from tests.conftest import actor_of
from tests.platform import schedule_tasks

SYSTEM = Actor.system(purpose="test")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JOB = Periodic(name="tests.record", task=schedule_tasks.record_call, every=timedelta(hours=1))


@pytest.fixture
def only_test_job(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    schedule_tasks.calls.clear()
    monkeypatch.setattr(schedule_services, "periodics", lambda: [JOB])
    yield
    schedule_tasks.calls.clear()


def test_names_and_intervals_are_validated() -> None:
    with pytest.raises(ValueError, match=r"<app>\.<job>"):
        Periodic(name="nodot", task=schedule_tasks.record_call, every=timedelta(minutes=1))
    with pytest.raises(ValueError, match="once a second"):
        Periodic(name="tests.fast", task=schedule_tasks.record_call, every=timedelta(milliseconds=10))


def test_registering_twice_is_harmless_but_a_clash_of_names_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule_registry, "_registry", {})
    register(JOB)
    register(JOB)
    with pytest.raises(schedule_registry.PeriodicAlreadyRegistered):
        register(Periodic(name=JOB.name, task=schedule_tasks.record_call, every=timedelta(hours=2)))


def test_apps_register_their_jobs_through_schedules_modules() -> None:
    names = [job.name for job in periodics()]
    assert "transparency.checkpoint" in names
    assert names == sorted(names)


@pytest.mark.django_db
@pytest.mark.usefixtures("only_test_job")
def test_a_due_job_is_enqueued_once_per_interval() -> None:
    assert schedule_tick(actor=SYSTEM, now=T0) == ["tests.record"]
    assert schedule_tasks.calls == ["ran"]
    assert schedule_tick(actor=SYSTEM, now=T0 + timedelta(minutes=59)) == []
    assert schedule_tick(actor=SYSTEM, now=T0 + timedelta(hours=1)) == ["tests.record"]
    assert schedule_tasks.calls == ["ran", "ran"]
    run = ScheduledRun.objects.get(name="tests.record")
    assert run.last_enqueued_at == T0 + timedelta(hours=1)
    assert run.last_task_id


@pytest.mark.django_db
@pytest.mark.usefixtures("only_test_job")
def test_a_failed_enqueue_leaves_the_job_due(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(type(schedule_tasks.record_call), "enqueue", refuse)
    with pytest.raises(RuntimeError):
        schedule_tick(actor=SYSTEM, now=T0)
    monkeypatch.undo()
    monkeypatch.setattr(schedule_services, "periodics", lambda: [JOB])
    assert ScheduledRun.objects.get(name="tests.record").last_enqueued_at is None
    assert schedule_tick(actor=SYSTEM, now=T0) == ["tests.record"]


@pytest.mark.django_db
@pytest.mark.usefixtures("only_test_job")
def test_only_the_system_runs_or_lists_the_schedule(security_officer: object) -> None:
    officer = actor_of(security_officer)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        schedule_tick(actor=officer, now=T0)
    with pytest.raises(PermissionDenied):
        schedule_list(actor=officer)
    assert schedule_tasks.calls == []


@pytest.mark.django_db
@pytest.mark.usefixtures("only_test_job")
def test_the_listing_shows_last_and_next_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("chancery.platform.schedule.selectors.periodics", lambda: [JOB])
    [row] = schedule_list(actor=SYSTEM)
    assert (row.name, row.last_enqueued_at, row.next_due_at) == ("tests.record", None, None)
    schedule_tick(actor=SYSTEM, now=T0)
    [row] = schedule_list(actor=SYSTEM)
    assert row.task.endswith("schedule_tasks.record_call")
    assert row.next_due_at == T0 + timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("only_test_job")
def test_the_worker_thread_ticks_until_stopped() -> None:
    stop = threading.Event()
    thread = scheduler_start(interval=0.05, stop=stop)
    deadline = time.monotonic() + 10
    while not schedule_tasks.calls and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(timeout=10)
    assert schedule_tasks.calls == ["ran"]  # due once; the next ticks find it not yet due
    assert not thread.is_alive()


@pytest.mark.django_db
def test_the_schedule_command_lists_and_ticks(capsys: pytest.CaptureFixture[str]) -> None:
    from chancery import cli

    assert cli.main(["schedule"]) == 0
    listing = capsys.readouterr().err
    assert "transparency.checkpoint" in listing
    assert "never" in listing
    assert cli.main(["schedule", "tick"]) == 0
    assert "enqueued transparency.checkpoint" in capsys.readouterr().err
    assert ScheduledRun.objects.get(name="transparency.checkpoint").last_enqueued_at is not None
