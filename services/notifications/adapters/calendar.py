"""An invitation's .ics attachment, built from the action snapshot the event carries.

It names the organising group, not the people responsible: an attachment is imported into (shared)
calendars; who is responsible stands in the mail itself.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from shared import ical
from shared.clock import BERLIN

METHOD = "PUBLISH"  # an announcement to a list, not an iTIP request that expects replies


def invitation(action, stamp: datetime, *, organizer: str) -> bytes:  # noqa: ANN001 - shared.contracts.events.ActionSnapshot
    """`organizer`: the system's sender address, named after the organising group."""
    cal = ical.new_calendar("-//Beratungsnetz//Einladung//DE", method=METHOD)
    if action.start:
        event = Event()
        event.add("uid", f"{action.action_id}@beratungsnetz")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.start.astimezone(BERLIN))
        event.add("dtend", action.end.astimezone(BERLIN))
        repeated = action.kind_label.casefold() in action.title.casefold()  # "Zahltag-Aktion …: Zahltag-Aktion …"
        event.add("summary", action.title if repeated else f"{action.kind_label}: {action.title}")
        event.add("organizer", ical.organizer(organizer, action.organiser_group_name))
        where = ", ".join(x for x in (action.job_centre, action.place) if x)
        if where:
            event.add("location", where)
        event.add("description", f"Organisiert von {action.organiser_group_name or 'einer Regionalgruppe'}.")
        cal.add_component(event)
    return cal.to_ical()
