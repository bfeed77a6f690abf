"""Consultation hours as an iCalendar feed: one recurring event (RRULE) per regular hour, in Europe/Berlin."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Event, vRecur

from services.registry.adapters.formats import ICAL_DAYS
from services.registry.domain.directory import PublicOffice
from services.registry.domain.hours import ByAppointment, Hours, MonthlyNth, Weekly
from shared import ical
from shared.clock import BERLIN


def _matches(h: MonthlyNth, day: date) -> bool:
    if h.nth == -1:
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == h.nth


def rule(h: Weekly | MonthlyNth) -> vRecur:
    day = ICAL_DAYS[h.weekday]
    if isinstance(h, Weekly):
        return vRecur(freq="WEEKLY", byday=day)
    return vRecur(freq="MONTHLY", byday=f"{h.nth}{day}")


def consultation_calendar(offices: list[PublicOffice], anchor: date, stamp: datetime, name: str) -> bytes:
    cal = ical.new_calendar("-//Beratungsnetz//Sprechzeiten//DE", name)
    for office in offices:
        for index, hours in enumerate(office.hours):
            if not isinstance(hours, ByAppointment) and not office.paused:
                cal.add_component(_event(office, index, hours, anchor, stamp))
    return cal.to_ical()


def _event(office: PublicOffice, index: int, hours: Hours, anchor: date, stamp: datetime) -> Event:
    day = _first(hours, anchor)
    event = Event()
    event.add("uid", f"{office.id}-{index}@beratungsnetz")
    event.add("dtstamp", stamp)
    event.add("summary", f"Sozialberatung: {office.name}")
    event.add("dtstart", datetime.combine(day, hours.start, BERLIN))
    event.add("dtend", datetime.combine(day, hours.end, BERLIN))
    event.add("rrule", rule(hours))
    event.add("location", f"{office.street}, {office.postcode} {office.city}")
    details = [hours.describe(), office.phone and f"Telefon {office.phone}", ", ".join(office.areas)]
    event.add("description", "\n".join(d for d in details if d))
    return event


def _first(h: Weekly | MonthlyNth, anchor: date) -> date:
    """The first day on or after `anchor` the rule hits: DTSTART must itself be an occurrence."""
    day = anchor
    while not (day.weekday() == h.weekday and (isinstance(h, Weekly) or _matches(h, day))):
        day += timedelta(days=1)
    return day
