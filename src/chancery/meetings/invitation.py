"""iCalendar (RFC 5545) invitations for meetings: one VEVENT with organiser, attendees and the meeting page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText


@dataclass(frozen=True, slots=True)
class Attendee:
    """An invited person as a calendar names them."""

    name: str
    email: str


def invitation_ics(
    *,
    uid: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    page_url: str,
    organiser: Attendee,
    attendees: list[Attendee],
    stamp: datetime,
    cancelled: bool = False,
) -> bytes:
    """Return a ``METHOD:REQUEST`` (or ``CANCEL``) calendar with the meeting; needs aware datetimes.

    The event links to the meeting's page in Chancery, never to a room token (each participant's token is
    issued when they join).
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Chancery//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", title)
    event.add("url", page_url)
    event.add("location", vText(page_url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    event["organizer"] = _address(organiser, role=None)
    for attendee in attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT"), encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _address(person: Attendee, *, role: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}" if person.email else "mailto:invalid@invalid")
    address.params["cn"] = vText(person.name)
    if role is not None:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
    return address
