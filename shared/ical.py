"""iCalendar documents every service writes alike: one Europe/Berlin zone, one calendar frame, one organiser.

Calendar clients differ in what they read. ical.js (Thunderbird, Nextcloud) reads only the first value
of a comma-separated RDATE, so a zone listing its transitions that way (icalendar's
`add_missing_timezones`) put every summer occurrence an hour late there. Yearly RRULEs, as Outlook and
tzurl.org write them, are read the same way by every client.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from shared.clock import BERLIN

SYSTEM_NAME = "Beratungsnetz"


def _transition(kind: type, name: str, offset_from: int, offset_to: int, start: datetime, month: int):  # noqa: ANN202
    part = kind()
    part.add("tzname", name)
    part.add("tzoffsetfrom", timedelta(hours=offset_from))
    part.add("tzoffsetto", timedelta(hours=offset_to))
    part.add("dtstart", start)
    part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    return part


def berlin_timezone() -> Timezone:
    """Europe/Berlin as the EU rule since 1996: summer time from the last Sunday of March, 02:00, to the last of October, 03:00."""
    zone = Timezone()
    zone.add("tzid", str(BERLIN))
    zone.add("x-lic-location", str(BERLIN))
    zone.add_component(_transition(TimezoneDaylight, "CEST", 1, 2, datetime(1970, 3, 29, 2), 3))
    zone.add_component(_transition(TimezoneStandard, "CET", 2, 1, datetime(1970, 10, 25, 3), 10))
    return zone


def new_calendar(prodid: str, name: str | None = None, method: str | None = None) -> Calendar:
    """A calendar whose events are given in Europe/Berlin; valid (and read by every client) even with no event."""
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(BERLIN))
    cal.add_component(berlin_timezone())
    return cal


def organizer(address: str, name: str = "") -> vCalAddress:
    """ORGANIZER (RFC 5546 requires it with METHOD:PUBLISH): a group's or the system's address, never a person's name."""
    found = vCalAddress(f"mailto:{address}")
    found.params["CN"] = name or SYSTEM_NAME
    return found


def method_of(ics: bytes) -> str | None:
    """The calendar's METHOD, which a `text/calendar` MIME part must repeat (RFC 6047)."""
    method = Calendar.from_ical(ics).get("method")
    return str(method).upper() if method else None
