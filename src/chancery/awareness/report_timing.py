"""Time to report: how long drill recipients who reported took, from delivery to their report.

For each recipient who reported the drill message (through "Report phishing" or by forwarding it to the
reporting address), the time to report is ``reported_at - delivered_at``. The figures are medians (robust
to the colleague who reports a week later), per unit of the recipient at sending time, overall and per
calendar month of delivery (in the server's time zone), for the latest months.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.utils import timezone
from django.utils.translation import get_language

from chancery.awareness.models import Campaign, Recipient
from chancery.platform import access
from chancery.platform.actor import Actor

MONTHS = 12
"""How many of the latest months with reports the by-month figures show."""


@dataclass(frozen=True, slots=True)
class ReportTime:
    """Reports counted and their median time to report, in minutes."""

    reports: int
    median_minutes: float

    @property
    def label(self) -> str:
        """The median as ``H:MM`` (hours may exceed 24)."""
        minutes = round(self.median_minutes)
        return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class ReportTimeRow:
    """One unit: overall, and per month in the order of :attr:`ReportTimes.months` (None: no report)."""

    organisation_id: int | None
    unit: str
    overall: ReportTime
    months: list[ReportTime | None]


@dataclass(frozen=True, slots=True)
class ReportTimes:
    """Time to report by unit and by month (``YYYY-MM``, oldest first), and over every unit."""

    months: list[str]
    rows: list[ReportTimeRow]
    overall: ReportTime | None


def _summary(minutes: list[float]) -> ReportTime:
    return ReportTime(reports=len(minutes), median_minutes=round(median(minutes), 1))


def report_times_get(*, actor: Actor, campaign: Campaign | None = None, months: int = MONTHS) -> ReportTimes:
    """Return the median time to report per unit, overall and per month, of one drill or of all drills.

    Needs ``awareness.drill_manage`` (administrators and security officers). One query, reading only the
    recipients who were delivered the message and reported it. Emits nothing.
    """
    access.require(actor, "awareness.drill_manage")
    name = "organisation__name_en" if (get_language() or "vi").startswith("en") else "organisation__name_vi"
    rows = Recipient.objects.filter(delivered_at__isnull=False, reported_at__isnull=False)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    by_unit: dict[int | None, tuple[str, dict[str, list[float]]]] = {}
    everything: list[float] = []
    for organisation_id, unit, delivered_at, reported_at in rows.values_list(
        "organisation_id", name, "delivered_at", "reported_at"
    ).order_by(name, "organisation_id", "delivered_at"):
        minutes = max(0.0, (reported_at - delivered_at).total_seconds() / 60)
        month = timezone.localtime(delivered_at).strftime("%Y-%m")
        _unit, per_month = by_unit.setdefault(organisation_id, (str(unit or ""), {}))
        per_month.setdefault(month, []).append(minutes)
        everything.append(minutes)
    shown = sorted({month for _unit, per_month in by_unit.values() for month in per_month})[-months:]
    result_rows = []
    for organisation_id, (unit, per_month) in by_unit.items():
        result_rows.append(
            ReportTimeRow(
                organisation_id=organisation_id,
                unit=unit,
                overall=_summary([m for values in per_month.values() for m in values]),
                months=[_summary(per_month[month]) if month in per_month else None for month in shown],
            )
        )
    return ReportTimes(months=shown, rows=result_rows, overall=_summary(everything) if everything else None)
