"""Actions as iCalendar: a feed per regional group, one overall, and an .ics per action.

All of them are public: they name groups, never persons (who is responsible stays in the service).
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from services.events.domain.actions import KINDS, Action, ActionStatus, InvitationStatus
from shared import ical

STATUS = {
    ActionStatus.IDEA: "TENTATIVE",
    ActionStatus.PLANNED: "TENTATIVE",
    ActionStatus.CONFIRMED: "CONFIRMED",
    ActionStatus.HELD: "CONFIRMED",
    ActionStatus.EVALUATED: "CONFIRMED",
    ActionStatus.CANCELLED: "CANCELLED",
}


def action_event(action: Action, names: dict[str, str], stamp: datetime, organizer_address: str) -> Event:
    s = action.schedule
    event = Event()
    event.add("uid", f"{action.id}@beratungsnetz")
    event.add("dtstamp", stamp)
    event.add("dtstart", s.start)
    event.add("dtend", s.end)
    repeated = KINDS[s.kind].casefold() in s.title.casefold()  # not "Zahltag-Aktion vor dem Jobcenter: Zahltag-…"
    event.add("summary", s.title if repeated else f"{KINDS[s.kind]}: {s.title}")
    event.add("status", STATUS[action.status])
    where = ", ".join(p for p in (s.job_centre, s.place) if p)
    if where:
        event.add("location", where)
    groups = [names.get(action.organiser_group_id, action.organiser_group_id)]
    event.add("organizer", ical.organizer(organizer_address, groups[0]))
    groups += [names.get(g, g) for g, state in action.invitations if state == InvitationStatus.ACCEPTED]
    lines = [f"Regionalgruppen: {', '.join(groups)}"]
    if action.cancel_reason:
        lines.append(f"Abgesagt: {action.cancel_reason}")
    event.add("description", "\n".join(lines))
    return event


def calendar_of(
    actions: list[Action],
    names: dict[str, str],
    stamp: datetime,
    title: str,
    *,
    organizer: str,
    method: str | None = None,
) -> bytes:
    """`organizer`: the address events name as ORGANIZER, with the organising group as its name."""
    cal = ical.new_calendar("-//Beratungsnetz//Aktionen//DE", title, method)
    for action in sorted(
        (a for a in actions if a.schedule.start and a.status != ActionStatus.IDEA), key=lambda a: a.schedule.start
    ):
        cal.add_component(action_event(action, names, stamp, organizer))
    return cal.to_ical()
