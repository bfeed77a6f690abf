"""An invitation's .ics attachment, built from the action snapshot the event carries."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

BERLIN = ZoneInfo("Europe/Berlin")


def invitation(action) -> bytes:  # noqa: ANN001 - shared.contracts.events.ActionSnapshot
    cal = Calendar()
    cal.add("prodid", "-//Beratungsnetz//Einladung//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if action.start:
        event = Event()
        event.add("uid", f"{action.action_id}@beratungsnetz")
        event.add("dtstamp", datetime.now(UTC))
        event.add("dtstart", action.start.astimezone(BERLIN))
        event.add("dtend", action.end.astimezone(BERLIN))
        event.add("summary", f"{action.kind_label}: {action.title}")
        where = ", ".join(x for x in (action.job_centre, action.place) if x)
        if where:
            event.add("location", where)
        event.add("description", f"Organisiert von {action.organiser_group_name}. Verantwortlich: {', '.join(action.responsible) or 'offen'}")
        cal.add_component(event)
        cal.add_missing_timezones()
    return cal.to_ical()
