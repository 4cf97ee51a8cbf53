"""Reads for the security dashboard, each figure computed with a fixed number of queries.

MFA coverage, lockouts, training, phishing drills (phish-prone percentage and time to report), reports,
alerts and threat-intelligence exchange (what arrived, and what partners actually fetched over TAXII).

Other domains are read through their selectors; a section the actor's other permissions do not open
(for example alerts, which only the ministry's security officers see) is left out (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import get_language

from chancery.awareness import selectors
from chancery.awareness.enums import ReportStatus
from chancery.awareness.models import Enrollment, Recipient
from chancery.awareness.report_timing import ReportTimes, report_times_get
from chancery.identity.enums import Role
from chancery.identity.lockout import LockedName
from chancery.identity.selectors import locked_account_list, mfa_coverage_get
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.resilience.monitoring.enums import AlertKind, AlertStatus
from chancery.resilience.monitoring.selectors import alert_list
from chancery.threatintel.selectors import ExchangeActivity, exchange_activity_list, exchange_reads_list

EXCHANGE_WINDOW = timedelta(days=30)
"""How far back the threat-intelligence exchange figures look."""

TREND_CAMPAIGNS = 8
"""How many of the latest sent drills the phish-prone trend shows."""


def percent(part: int, whole: int) -> int | None:
    """Return ``part`` of ``whole`` as a rounded whole percentage, or None when ``whole`` is zero."""
    if whole <= 0:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Active accounts of a role or unit and how many have a second factor."""

    label: str
    active: int
    with_mfa: int

    @property
    def percent(self) -> int | None:
        """Share with a second factor, in per cent (None without active accounts)."""
        return percent(self.with_mfa, self.active)


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """Course assignments of one unit's staff: assigned, completed, overdue (not completed, past due)."""

    unit: str
    assigned: int
    completed: int
    overdue: int

    @property
    def percent(self) -> int | None:
        """Share completed, in per cent."""
        return percent(self.completed, self.assigned)


@dataclass(frozen=True, slots=True)
class TrendCampaign:
    """A sent drill, a column of the trend table."""

    name: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class TrendCell:
    """One unit in one drill: mails delivered, recipients who clicked or submitted, who reported."""

    delivered: int
    failed: int
    reported: int

    @property
    def percent(self) -> int | None:
        """The phish-prone percentage (clicked or submitted, of delivered)."""
        return percent(self.failed, self.delivered)


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One unit's cells, in the order of :attr:`PhishTrend.campaigns` (None where not targeted)."""

    unit: str
    cells: list[TrendCell | None]


@dataclass(frozen=True, slots=True)
class PhishTrend:
    """Phish-prone percentage per unit per drill, oldest drill first."""

    campaigns: list[TrendCampaign]
    rows: list[TrendRow]


@dataclass(frozen=True, slots=True)
class OpenReports:
    """Phishing reports awaiting triage."""

    count: int
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class AlertRow:
    """Unclosed security alerts of one kind and status."""

    kind: str
    status: str
    count: int


@dataclass(frozen=True, slots=True)
class PartnerPull:
    """What one partner organisation fetched from one collection over TAXII in the window."""

    collection: str
    partner: str
    requests: int
    served: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the security dashboard shows; ``None`` marks a section the actor may not read."""

    mfa_by_role: list[CoverageRow] | None
    mfa_by_unit: list[CoverageRow] | None
    lockouts: list[LockedName] | None
    training: list[TrainingRow]
    trend: PhishTrend
    reports: OpenReports
    alerts: list[AlertRow] | None
    exchange: list[ExchangeActivity] | None
    pulled_by_partners: list[PartnerPull] | None
    report_times: ReportTimes
    since: datetime


def training_by_unit() -> list[TrainingRow]:
    """Return course assignments per unit of the assignee (one query)."""
    now = timezone.now()
    name = _unit_fields()[0]
    rows = (
        Enrollment.objects.values("user__organisation_id", name)
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count("pk", filter=Q(completed_at__isnull=True, due_at__lt=now)),
        )
        .order_by(name, "user__organisation_id")
    )
    return [
        TrainingRow(
            unit=str(row[name] or ""),
            assigned=row["assigned"],
            completed=row["completed"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


def phish_trend(*, limit: int = TREND_CAMPAIGNS) -> PhishTrend:
    """Return the phish-prone percentage per unit for the ``limit`` latest drills (two queries)."""
    latest = list(
        Recipient.objects.filter(delivered_at__isnull=False)
        .values("campaign_id", "campaign__name", "campaign__sent_at")
        .distinct()
        .order_by("-campaign__sent_at", "-campaign_id")[:limit]
    )
    latest.reverse()
    name = _unit_fields()[1]
    columns = {row["campaign_id"]: index for index, row in enumerate(latest)}
    cells = (
        Recipient.objects.filter(delivered_at__isnull=False, campaign_id__in=list(columns))
        .values("campaign_id", "organisation_id", name)
        .annotate(
            delivered=Count("pk"),
            failed=Count("pk", filter=Q(clicked_at__isnull=False) | Q(submitted_at__isnull=False)),
            reported=Count("pk", filter=Q(reported_at__isnull=False)),
        )
        .order_by(name, "organisation_id")
    )
    units: dict[object, TrendRow] = {}
    for cell in cells:
        row = units.setdefault(
            cell["organisation_id"],
            TrendRow(unit=str(cell[name] or ""), cells=[None] * len(latest)),
        )
        row.cells[columns[cell["campaign_id"]]] = TrendCell(
            delivered=cell["delivered"], failed=cell["failed"], reported=cell["reported"]
        )
    campaigns = [TrendCampaign(name=row["campaign__name"], sent_at=row["campaign__sent_at"]) for row in latest]
    return PhishTrend(campaigns=campaigns, rows=list(units.values()))


def _open_reports(actor: Actor) -> OpenReports:
    found = selectors.phishing_report_list(actor=actor, status=ReportStatus.NEW).aggregate(
        count=Count("pk"), oldest=Min("reported_at")
    )
    return OpenReports(count=found["count"], oldest=found["oldest"])


def _alerts(actor: Actor) -> list[AlertRow] | None:
    if not access.can(actor, "monitoring.view"):
        return None
    rows = (
        alert_list(actor=actor)
        .exclude(status=AlertStatus.CLOSED)
        .order_by()
        .values("kind", "status")
        .annotate(count=Count("pk"))
        .order_by("kind", "status")
    )
    return [
        AlertRow(kind=str(AlertKind(r["kind"]).label), status=str(AlertStatus(r["status"]).label), count=r["count"])
        for r in rows
    ]


def _role_label(value: str) -> str:
    return str(Role(value).label) if value in Role.values else value


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _unit_fields() -> tuple[str, str]:
    suffix = "en" if _english() else "vi"
    return f"user__organisation__name_{suffix}", f"organisation__name_{suffix}"


def security_dashboard_get(*, actor: Actor) -> Dashboard:
    """Return the security dashboard's figures.

    Needs ``awareness.dashboard`` (administrators and security officers of the ministry); raises
    PermissionDenied otherwise. Sections behind another domain's rule the actor lacks are ``None``.
    A bounded number of queries (about a dozen) whatever the number of users, drills or objects.
    Emits nothing.
    """
    access.require(actor, "awareness.dashboard")
    now = timezone.now()
    since = now - EXCHANGE_WINDOW
    by_role: list[CoverageRow] | None = None
    by_unit: list[CoverageRow] | None = None
    lockouts: list[LockedName] | None = None
    if access.can(actor, "identity.unlock"):
        roles, units = mfa_coverage_get(actor=actor)
        by_role = [CoverageRow(label=_role_label(r.key), active=r.active, with_mfa=r.with_mfa) for r in roles]
        by_unit = [
            CoverageRow(label=r.name_en if _english() else r.name_vi, active=r.active, with_mfa=r.with_mfa)
            for r in units
        ]
        lockouts = locked_account_list(actor=actor)
    exchange: list[ExchangeActivity] | None = None
    pulled: list[PartnerPull] | None = None
    if access.can(actor, "threatintel.manage"):
        exchange = exchange_activity_list(actor=actor, since=since)
        pulled = [
            PartnerPull(
                collection=row.collection,
                partner=row.organisation_en if _english() else row.organisation_vi,
                requests=row.requests,
                served=row.served,
            )
            for row in exchange_reads_list(actor=actor, since=timezone.localdate(since))
        ]
    return Dashboard(
        mfa_by_role=by_role,
        mfa_by_unit=by_unit,
        lockouts=lockouts,
        training=training_by_unit(),
        trend=phish_trend(),
        reports=_open_reports(actor),
        alerts=_alerts(actor),
        exchange=exchange,
        pulled_by_partners=pulled,
        report_times=report_times_get(actor=actor),
        since=since,
    )
