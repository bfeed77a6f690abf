"""A training date as an .ics to import, and a training mail as its wire event (no database involved)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Event

from services.events.domain.training_mails import TrainingMail
from services.events.domain.trainings import Training, TrainingStatus
from shared import ical
from shared.clock import BERLIN
from shared.contracts import events as c

ORGANIZER = "verteiler@beratungsnetz.example"  # the system's address: RFC 5546 wants an ORGANIZER with PUBLISH


def training_ics(t: Training, stamp: datetime) -> str:
    """One date as a calendar to import (METHOD:PUBLISH); the UID stays the same for every mail of this date."""
    cal = ical.new_calendar("-//Beratungsnetz//Schulungen//DE", t.name, "PUBLISH")
    event = Event()
    event.add("uid", f"schulung-{t.id}@beratungsnetz")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", t.details.start.astimezone(BERLIN))
    event.add("dtend", t.details.end.astimezone(BERLIN))
    event.add("summary", t.name)
    event.add("status", "CANCELLED" if t.status == TrainingStatus.CANCELLED else "CONFIRMED")
    event.add("location", "online" if t.details.online and not t.details.place else t.details.place)
    event.add("organizer", ical.organizer(ORGANIZER, "Beratungsnetz – Schulungen"))
    if t.details.description:
        event.add("description", t.details.description)
    cal.add_component(event)
    return cal.to_ical().decode()


def mail_contract(m: TrainingMail, now: datetime) -> c.EventsMailRequestedV1:
    ics = training_ics(m.training, m.at or now) if m.with_ics and m.training else ""
    return c.EventsMailRequestedV1(
        to=m.to,
        to_name=m.to_name,
        kind=m.kind,
        subject=m.subject,
        text=m.text,
        link_path=m.link_path,
        link_label=m.link_label,
        ics=ics,
        reference=m.reference,
    )
