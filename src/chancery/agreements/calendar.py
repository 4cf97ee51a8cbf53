"""iCalendar (RFC 5545) feeds of obligations: one all-day event per due date, RRULE for recurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Alarm, Calendar, Event

from chancery.agreements.enums import Recurrence
from chancery.agreements.models import Obligation

FREQUENCIES = {
    Recurrence.MONTHLY: {"FREQ": "MONTHLY"},
    Recurrence.QUARTERLY: {"FREQ": "MONTHLY", "INTERVAL": 3},
    Recurrence.ANNUAL: {"FREQ": "YEARLY"},
}


def obligations_calendar(*, name: str, obligations: Iterable[Obligation], host: str = "chancery") -> bytes:
    """Return the iCalendar bytes of ``obligations`` (each needs its agreement loaded).

    Each obligation is an all-day VEVENT on its due date with a display alarm its reminder lead time
    ahead, and an RRULE when it recurs. Emits nothing.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Chancery//Agreements obligations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(tz=dt.UTC)
    for obligation in obligations:
        event = Event()
        event.add("uid", f"obligation-{obligation.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation.due_date)
        event.add("dtend", obligation.due_date + dt.timedelta(days=1))
        event.add("summary", f"{obligation.agreement.short_name}: {obligation.title}")
        if obligation.recurrence in FREQUENCIES:
            event.add("rrule", FREQUENCIES[Recurrence(obligation.recurrence)])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", obligation.title)
        alarm.add("trigger", dt.timedelta(days=-obligation.remind_days_before))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
