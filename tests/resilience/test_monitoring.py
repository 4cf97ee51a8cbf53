"""Security monitoring: each detector with a frozen clock, the alerts' delivery (in the app and by e-mail),
acknowledging and closing with a note, and who may do it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from allauth.usersessions.models import UserSession
from hypothesis import given
from hypothesis import strategies as st

from chancery.audit.models import AuditEvent
from chancery.identity.enums import Role
from chancery.identity.models import User
from chancery.missions.models import Organisation
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import Conflict, InvalidInput, PermissionDenied
from chancery.platform.events.models import Event
from chancery.platform.schedule import periodics
from chancery.resilience.monitoring import detectors, services
from chancery.resilience.monitoring.clients import client_family
from chancery.resilience.monitoring.enums import AlertKind, AlertStatus
from chancery.resilience.monitoring.explain import alert_explanation
from chancery.resilience.monitoring.models import SecurityAlert
from tests.conftest import actor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(purpose="tests")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=HANOI)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
)


def run_at(moment: dt.datetime) -> list[SecurityAlert]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return services.monitoring_run(actor=SYSTEM, now=moment)


def audit(action: str, at: dt.datetime, *, user: User | None = None, username: str = "", **fields: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        occurred_at=at,
        actor_id=user.pk if user else None,
        actor_username=user.username if user else username,
        **fields,
    )


def session(user: User, at: dt.datetime, agent: str, ip: str = "198.51.100.7") -> UserSession:
    return UserSession.objects.create(
        user=user, created_at=at, last_seen_at=at, ip=ip, session_key=f"s{at.timestamp()}{user.pk}", user_agent=agent
    )


@pytest.fixture
def hq_security(security_officer: User) -> User:
    security_officer.email = "secoff@mofa.example"
    security_officer.save(update_fields=["email"])
    return security_officer


# --- Detectors -------------------------------------------------------------------------------------


def test_a_new_kind_of_client_is_flagged_once_and_a_first_sign_in_only_teaches(desk_officer: User) -> None:
    session(desk_officer, NOW - dt.timedelta(hours=3), FIREFOX_LINUX)
    assert run_at(NOW - dt.timedelta(hours=3) + dt.timedelta(minutes=1)) == []  # first client: learnt
    session(desk_officer, NOW - dt.timedelta(minutes=30), FIREFOX_LINUX.replace("128", "129"))
    assert run_at(NOW - dt.timedelta(minutes=29)) == []  # same family, newer version
    session(desk_officer, NOW, CHROME_WINDOWS, ip="203.0.113.50")
    (alert,) = run_at(NOW + dt.timedelta(minutes=1))
    assert (alert.kind, alert.subject_username) == (AlertKind.NEW_CLIENT, "desk")
    assert alert.figures["client"] == "Chrome on Windows"
    assert alert.figures["known_clients"] == ["Firefox on Linux"]
    assert "203.0.113.50" in alert_explanation(alert)
    assert run_at(NOW + dt.timedelta(minutes=6)) == []  # the next run does not raise it again


def test_a_burst_of_failures_across_accounts_is_flagged_with_its_figures(desk_officer: User) -> None:
    for i in range(12):
        audit(
            "identity.sign_in_failed",
            NOW - dt.timedelta(seconds=20 * i),
            username=f"target{i % 4}",
            client_ip="203.0.113.9",
            outcome="failure",
        )
    (alert,) = run_at(NOW)
    assert alert.kind == AlertKind.FAILURE_BURST
    assert (alert.figures["failures"], alert.figures["accounts"], alert.figures["addresses"]) == (12, 4, 1)
    assert len(alert.event_ids) == 12
    assert "12" in alert_explanation(alert)


@pytest.mark.parametrize(("failures", "accounts"), [(9, 4), (12, 2)])
def test_fewer_failures_or_one_account_is_no_burst(failures: int, accounts: int) -> None:
    for i in range(failures):
        audit(
            "identity.sign_in_failed",
            NOW - dt.timedelta(seconds=10 * i),
            username=f"u{i % accounts}",
            outcome="failure",
        )
    assert run_at(NOW) == []


def test_failures_older_than_the_window_do_not_count() -> None:
    for i in range(12):
        audit(
            "identity.sign_in_failed",
            NOW - dt.timedelta(minutes=11, seconds=i),
            username=f"u{i % 4}",
            outcome="failure",
        )
    assert run_at(NOW) == []


def _usual_mornings(user: User) -> None:
    for day in range(1, 13):
        audit("identity.signed_in", (NOW - dt.timedelta(days=day)).replace(hour=9, minute=5), user=user)


def test_a_sign_in_at_an_unusual_hour_for_that_user_is_flagged(desk_officer: User) -> None:
    _usual_mornings(desk_officer)
    night = NOW.replace(hour=3, minute=10)
    audit("identity.signed_in", night, user=desk_officer, client_ip="198.51.100.20")
    (alert,) = run_at(night + dt.timedelta(minutes=5))
    assert alert.kind == AlertKind.UNUSUAL_HOUR
    assert (alert.figures["hour"], alert.figures["usual_hours"], alert.figures["sign_ins"]) == (3, [9], 12)


def test_a_sign_in_near_the_usual_hour_or_without_history_is_not_flagged(
    desk_officer: User, other_mission_officer: User
) -> None:
    _usual_mornings(desk_officer)
    audit("identity.signed_in", NOW.replace(hour=10, minute=30), user=desk_officer)
    audit("identity.signed_in", NOW.replace(hour=3), user=other_mission_officer)  # no history: nothing to compare
    assert run_at(NOW.replace(hour=10, minute=40)) == []
    assert run_at(NOW.replace(hour=3, minute=30)) == []


def test_a_token_used_from_a_new_address_is_flagged(desk_officer: User) -> None:
    audit(
        "identity.token_used",
        NOW - dt.timedelta(days=2),
        user=desk_officer,
        object_type="identity.token",
        object_id="7",
        client_ip="10.0.0.1",
        detail={"prefix": "chy_abc"},
    )
    audit(
        "identity.token_used",
        NOW - dt.timedelta(minutes=10),
        user=desk_officer,
        object_type="identity.token",
        object_id="7",
        client_ip="10.0.0.1",
        detail={"prefix": "chy_abc"},
    )
    audit(
        "identity.token_used",
        NOW - dt.timedelta(minutes=5),
        user=desk_officer,
        object_type="identity.token",
        object_id="7",
        client_ip="203.0.113.77",
        detail={"prefix": "chy_abc"},
    )
    audit(
        "identity.token_used",
        NOW - dt.timedelta(minutes=5),
        user=desk_officer,
        object_type="identity.token",
        object_id="8",
        client_ip="203.0.113.78",
        detail={"prefix": "chy_new"},
    )  # first use ever: no alert
    (alert,) = run_at(NOW)
    assert alert.kind == AlertKind.TOKEN_NEW_ADDRESS
    assert (alert.figures["address"], alert.figures["known_addresses"]) == ("203.0.113.77", ["10.0.0.1"])
    assert "chy_abc" in alert_explanation(alert)


@pytest.mark.parametrize(("count", "flagged"), [(detectors.MASS_MIN, True), (detectors.MASS_MIN - 1, False)])
def test_mass_downloads_are_flagged_at_the_threshold(desk_officer: User, count: int, flagged: bool) -> None:
    for i in range(count):
        action = "vault.document_downloaded" if i % 5 else "agreements.export"
        audit(action, NOW - dt.timedelta(seconds=30 * i), user=desk_officer, object_id=str(i))
    alerts = run_at(NOW)
    assert [a.kind for a in alerts] == ([AlertKind.MASS_DOWNLOAD] if flagged else [])
    if flagged:
        assert alerts[0].figures["count"] == count
        assert alerts[0].figures["by_action"]["agreements.export"] == count // 5


# --- Alerts reach the security officers ---------------------------------------------------------------


def test_alerts_reach_headquarters_security_officers_in_the_app_and_by_email(
    hq_security: User, mission_tokyo: Organisation, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    tokyo_security = UserFactory(
        username="tokyo-sec", role=Role.SECURITY_OFFICER, organisation=mission_tokyo, email="tokyo@mofa.example"
    )
    for i in range(10):
        audit("identity.sign_in_failed", NOW - dt.timedelta(seconds=i), username=f"u{i % 3}", outcome="failure")
    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = run_at(NOW)
    assert list(Event.objects.values_list("user_id", "kind")) == [(hq_security.pk, "monitoring.alert")]
    assert [message.to for message in mailoutbox] == [["secoff@mofa.example"]]
    assert "10" in mailoutbox[0].body
    assert tokyo_security.pk not in Event.objects.values_list("user_id", flat=True)
    assert AuditEvent.objects.filter(action="monitoring.alert_raised", object_id=str(alert.pk)).exists()


def test_an_alert_is_acknowledged_then_closed_with_a_note(hq_security: User) -> None:
    alert = SecurityAlert.objects.create(kind=AlertKind.MASS_DOWNLOAD, dedup_key="k", figures={"count": 60})
    officer = actor_of(hq_security)
    services.alert_acknowledge(actor=officer, alert_id=alert.pk)
    with pytest.raises(Conflict):
        services.alert_acknowledge(actor=officer, alert_id=alert.pk)
    with pytest.raises(InvalidInput) as empty:
        services.alert_close(actor=officer, alert_id=alert.pk, note="  ")
    assert "note" in empty.value.errors
    closed = services.alert_close(actor=officer, alert_id=alert.pk, note="Annual report preparation, confirmed.")
    assert (closed.status, closed.closed_by_id, closed.note) == (
        AlertStatus.CLOSED,
        hq_security.pk,
        "Annual report preparation, confirmed.",
    )
    with pytest.raises(Conflict):
        services.alert_close(actor=officer, alert_id=alert.pk, note="again")
    detail = AuditEvent.objects.get(action="monitoring.alert_closed").detail
    assert detail == {"note_length": len("Annual report preparation, confirmed.")}


def test_only_headquarters_security_officers_handle_alerts(
    hq_security: User, desk_officer: User, mission_tokyo: Organisation
) -> None:
    alert = SecurityAlert.objects.create(kind=AlertKind.MASS_DOWNLOAD, dedup_key="k", figures={})
    tokyo_security = UserFactory(
        username="tokyo-sec", role=Role.SECURITY_OFFICER, organisation=mission_tokyo, clearance=Classification.SECRET
    )
    services.alert_acknowledge(actor=actor_of(hq_security), alert_id=alert.pk)  # allowed
    for refused in (desk_officer, tokyo_security):  # other role; other unit
        with pytest.raises(PermissionDenied):
            services.alert_close(actor=actor_of(refused), alert_id=alert.pk, note="n")
        with pytest.raises(PermissionDenied):
            services.monitoring_run(actor=actor_of(refused))


def test_detectors_and_webhook_retries_run_on_a_schedule() -> None:
    jobs = {job.name: job for job in periodics()}
    assert jobs["monitoring.detect"].every == dt.timedelta(minutes=5)
    assert jobs["webhooks.retry"].every == dt.timedelta(minutes=1)


# --- Outside input ----------------------------------------------------------------------------------


@given(st.text(max_size=600))
def test_any_user_agent_names_a_bounded_family(agent: str) -> None:
    family = client_family(agent)
    assert " on " in family
    assert len(family) <= 100


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (CHROME_WINDOWS, "Chrome on Windows"),
        ("curl/8.5.0", "curl on Other"),
        (
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 "
                "Mobile Safari/604.1"
            ),
            "Safari on iOS",
        ),
    ],
)
def test_known_agents_get_their_family(agent: str, family: str) -> None:
    assert client_family(agent) == family
