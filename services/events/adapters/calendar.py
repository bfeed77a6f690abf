"""Actions as iCalendar: a feed per regional group, one overall, and an .ics per invitation."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from services.events.domain.actions import KINDS, Action

STATUS = {"idee": "TENTATIVE", "geplant": "TENTATIVE", "bestätigt": "CONFIRMED", "durchgeführt": "CONFIRMED",
          "ausgewertet": "CONFIRMED", "abgesagt": "CANCELLED"}  # fmt: skip


def action_event(action: Action, names: dict[str, str], stamp: datetime) -> Event:
    s = action.schedule
    event = Event()
    event.add("uid", f"{action.id}@beratungsnetz")
    event.add("dtstamp", stamp)
    event.add("dtstart", s.start)
    event.add("dtend", s.end)
    event.add("summary", f"{KINDS[s.kind]}: {s.title}" if s.title != KINDS[s.kind] else s.title)
    event.add("status", STATUS[action.status])
    where = ", ".join(p for p in (s.job_centre, s.place) if p)
    if where:
        event.add("location", where)
    groups = [names.get(action.organiser_group_id, action.organiser_group_id)]
    groups += [names.get(g, g) for g, state in action.invitations if state == "zugesagt"]
    lines = [f"Regionalgruppen: {', '.join(groups)}"]
    if s.responsible:
        lines.append(f"Verantwortlich: {', '.join(s.responsible)}")
    if action.cancel_reason:
        lines.append(f"Abgesagt: {action.cancel_reason}")
    event.add("description", "\n".join(lines))
    return event


def calendar_of(actions: list[Action], names: dict[str, str], stamp: datetime, title: str, method: str | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Beratungsnetz//Aktionen//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Europe/Berlin")
    if method:
        cal.add("method", method)
    for action in sorted(actions, key=lambda a: a.schedule.start):
        if action.schedule.start and action.status != "idee":
            cal.add_component(action_event(action, names, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
