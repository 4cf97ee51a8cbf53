"""The detectors: each reads sign-in records or the audit trail up to ``now`` and returns findings.

A finding names its kind, the user concerned, a deduplication key (so that a detector running again over
the same window raises nothing new), the figures that triggered it and the audit events behind it.
Thresholds are constants here, documented in docs/resilience.md.

The detectors read the audit trail through its selector (``audit.view``) as :data:`MONITOR_ACTOR`: the
system actor acting as the ministry's security office, which the audit rules let read every event.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.usersessions.models import UserSession
from django.db.models import QuerySet
from django.utils import timezone

from chancery.audit.selectors import AuditFilters, audit_event_list
from chancery.platform.actor import Actor
from chancery.resilience.monitoring.clients import client_family
from chancery.resilience.monitoring.enums import AlertKind
from chancery.resilience.monitoring.models import KnownClient

LOOKBACK = timedelta(hours=1)
"""Every run looks at the last hour; deduplication keys make overlapping runs harmless."""

FAILURE_WINDOW = timedelta(minutes=10)
FAILURE_MIN = 10
FAILURE_MIN_ACCOUNTS = 3
"""A burst: at least 10 failed sign-ins against at least 3 accounts within 10 minutes."""

UNUSUAL_HISTORY = timedelta(days=30)
UNUSUAL_MIN_HISTORY = 10
"""An unusual hour: the user signed in at least 10 times in 30 days, never within an hour of this time of day."""

TOKEN_HISTORY = timedelta(days=90)
"""A new address: the token was used in the last 90 days, never from this address."""

MASS_WINDOW = timedelta(hours=1)
MASS_MIN = 50
MASS_ACTIONS = ("vault.document_downloaded", "agreements.export", "audit.exported", "chat.exported")
"""Mass downloads: at least 50 downloads or exports by one user within an hour."""

MAX_EVENTS_LISTED = 50

MONITOR_ACTOR = dataclasses.replace(
    Actor.system(purpose="monitoring.detect"), role="security_officer", organisation_kind="ministry"
)
"""Who the detectors read the audit trail as (never used for a write)."""


def _events(action: str, *, after: datetime, until: datetime) -> QuerySet[Any]:
    """Audit events of exactly ``action`` with ``after < occurred_at <= until``, oldest first."""
    filters = AuditFilters(action=action, since=after, until=until + timedelta(microseconds=1))
    events = audit_event_list(actor=MONITOR_ACTOR, filters=filters)
    return events.filter(action=action, occurred_at__gt=after).order_by("occurred_at", "pk")


@dataclass(frozen=True, slots=True)
class Finding:
    """What one detector saw, ready to become an alert."""

    kind: str
    dedup_key: str
    figures: dict[str, Any]
    subject_user_id: int | None = None
    subject_username: str = ""
    event_ids: list[int] = field(default_factory=list)


def _bucket(moment: datetime, width: timedelta) -> int:
    return int(moment.timestamp() // width.total_seconds())


def new_clients(*, now: datetime) -> list[Finding]:
    """Sessions started in the last hour from a client family the user never used (if they used any).

    Learns every family it sees (the first sign-in of a user teaches, it does not alert).
    """
    findings: list[Finding] = []
    sessions = (
        UserSession.objects.filter(created_at__gt=now - LOOKBACK, created_at__lte=now)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    for session in sessions:
        family = client_family(session.user_agent)
        known = set(KnownClient.objects.filter(user_id=session.user_id).values_list("family", flat=True))
        if family in known:
            KnownClient.objects.filter(user_id=session.user_id, family=family).update(last_seen_at=session.created_at)
            continue
        KnownClient.objects.get_or_create(
            user_id=session.user_id,
            family=family,
            defaults={"first_seen_at": session.created_at, "last_seen_at": session.created_at},
        )
        if not known:
            continue
        findings.append(
            Finding(
                kind=AlertKind.NEW_CLIENT,
                dedup_key=f"new_client:{session.pk}",
                subject_user_id=session.user_id,
                subject_username=session.user.get_username(),
                figures={
                    "client": family,
                    "known_clients": sorted(known),
                    "address": session.ip,
                    "signed_in_at": session.created_at.isoformat(),
                },
            )
        )
    return findings


def failure_bursts(*, now: datetime) -> list[Finding]:
    """Failed sign-ins in the last 10 minutes: at least 10 of them, against at least 3 accounts."""
    failures = list(
        _events("identity.sign_in_failed", after=now - FAILURE_WINDOW, until=now).values(
            "pk", "actor_username", "client_ip"
        )
    )
    accounts = Counter(row["actor_username"].lower() for row in failures)
    if len(failures) < FAILURE_MIN or len(accounts) < FAILURE_MIN_ACCOUNTS:
        return []
    addresses = Counter(row["client_ip"] or "?" for row in failures)
    return [
        Finding(
            kind=AlertKind.FAILURE_BURST,
            dedup_key=f"failure_burst:{_bucket(now, FAILURE_WINDOW)}",
            figures={
                "failures": len(failures),
                "accounts": len(accounts),
                "addresses": len(addresses),
                "minutes": int(FAILURE_WINDOW.total_seconds() // 60),
                "top_accounts": [name for name, _count in accounts.most_common(5)],
                "top_addresses": [address for address, _count in addresses.most_common(5)],
            },
            event_ids=[row["pk"] for row in failures[:MAX_EVENTS_LISTED]],
        )
    ]


def _hour_distance(a: int, b: int) -> int:
    gap = abs(a - b) % 24
    return min(gap, 24 - gap)


def unusual_hours(*, now: datetime) -> list[Finding]:
    """Sign-ins in the last hour at a local time of day the user has not signed in within an hour of lately."""
    findings: list[Finding] = []
    recent = _events("identity.signed_in", after=now - LOOKBACK, until=now).filter(actor_id__isnull=False)
    for event in recent:
        history = (
            _events("identity.signed_in", after=event.occurred_at - UNUSUAL_HISTORY, until=event.occurred_at)
            .filter(actor_id=event.actor_id)
            .exclude(pk=event.pk)
            .values_list("occurred_at", flat=True)
        )
        hours = [timezone.localtime(moment).hour for moment in history]
        if len(hours) < UNUSUAL_MIN_HISTORY:
            continue
        hour = timezone.localtime(event.occurred_at).hour
        if any(_hour_distance(hour, usual) <= 1 for usual in hours):
            continue
        usual_hours = sorted(set(hours))
        findings.append(
            Finding(
                kind=AlertKind.UNUSUAL_HOUR,
                dedup_key=f"unusual_hour:{event.pk}",
                subject_user_id=event.actor_id,
                subject_username=event.actor_username,
                figures={
                    "hour": hour,
                    "usual_hours": usual_hours,
                    "sign_ins": len(hours),
                    "days": UNUSUAL_HISTORY.days,
                    "address": event.client_ip,
                    "time_zone": timezone.get_current_timezone_name(),
                },
                event_ids=[event.pk],
            )
        )
    return findings


def token_new_addresses(*, now: datetime) -> list[Finding]:
    """API tokens used in the last hour from an address they were not used from in the 90 days before."""
    findings: list[Finding] = []
    recent = _events("identity.token_used", after=now - LOOKBACK, until=now).filter(
        outcome="success", client_ip__isnull=False
    )
    first_use: dict[tuple[str, str], Any] = {}
    for event in recent:
        first_use.setdefault((event.object_id, str(event.client_ip)), event)
    for (token_id, address), event in first_use.items():
        earlier = _events(
            "identity.token_used", after=event.occurred_at - TOKEN_HISTORY, until=event.occurred_at
        ).filter(outcome="success", object_id=token_id, occurred_at__lt=event.occurred_at)
        addresses = sorted({str(ip) for ip in earlier.values_list("client_ip", flat=True) if ip})
        if not addresses or address in addresses:
            continue
        findings.append(
            Finding(
                kind=AlertKind.TOKEN_NEW_ADDRESS,
                dedup_key=f"token_new_address:{token_id}:{address}",
                subject_user_id=event.actor_id,
                subject_username=event.actor_username,
                figures={
                    "token": token_id,
                    "prefix": str(event.detail.get("prefix", "")),
                    "address": address,
                    "known_addresses": addresses[:10],
                    "days": TOKEN_HISTORY.days,
                },
                event_ids=[event.pk],
            )
        )
    return findings


def mass_downloads(*, now: datetime) -> list[Finding]:
    """Users with at least 50 downloads or exports in the last hour."""
    rows: list[dict[str, Any]] = []
    for action in MASS_ACTIONS:
        done = _events(action, after=now - MASS_WINDOW, until=now).filter(outcome="success", actor_id__isnull=False)
        rows.extend(done.values("pk", "occurred_at", "actor_id", "actor_username", "action", "object_id"))
    rows.sort(key=lambda row: (row["occurred_at"], row["pk"]))
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["actor_id"] is not None:
            by_user[row["actor_id"]].append(dict(row))
    findings: list[Finding] = []
    for user_id, events in sorted(by_user.items()):
        if len(events) < MASS_MIN:
            continue
        findings.append(
            Finding(
                kind=AlertKind.MASS_DOWNLOAD,
                dedup_key=f"mass_download:{user_id}:{_bucket(now, MASS_WINDOW)}",
                subject_user_id=user_id,
                subject_username=events[0]["actor_username"],
                figures={
                    "count": len(events),
                    "minutes": int(MASS_WINDOW.total_seconds() // 60),
                    "threshold": MASS_MIN,
                    "by_action": dict(Counter(row["action"] for row in events)),
                    "distinct_objects": len({(row["action"], row["object_id"]) for row in events}),
                },
                event_ids=[row["pk"] for row in events[:MAX_EVENTS_LISTED]],
            )
        )
    return findings


DETECTORS = (new_clients, failure_bursts, unusual_hours, token_new_addresses, mass_downloads)
