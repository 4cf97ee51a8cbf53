"""The deadlines calendar: obligations laid out on a month's weeks (Monday first)."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from chancery.agreements.models import Obligation

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Day:
    """One cell of the grid: its date, whether it belongs to the month shown, and what falls due."""

    day: date
    in_month: bool
    obligations: list[Obligation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MonthGrid:
    """A month's weeks of days, with the months before and after for navigation."""

    first: date
    weeks: list[list[Day]]
    previous: date
    following: date


def month_parse(raw: str, *, today: date) -> date:
    """Return the first day of ``YYYY-MM`` (``today``'s month when ``raw`` is empty or malformed)."""
    match = _MONTH.match(raw.strip())
    if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2200:
        return date(int(match.group(1)), int(match.group(2)), 1)
    return today.replace(day=1)


def month_grid(obligations: Iterable[Obligation], *, first: date) -> MonthGrid:
    """Lay ``obligations`` on the weeks of ``first``'s month by due date (those outside are ignored)."""
    by_day: dict[date, list[Obligation]] = defaultdict(list)
    for obligation in obligations:
        by_day[obligation.due_date].append(obligation)
    weeks = [
        [Day(day=d, in_month=d.month == first.month, obligations=by_day.get(d, [])) for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return MonthGrid(first=first, weeks=weeks, previous=previous, following=following)
