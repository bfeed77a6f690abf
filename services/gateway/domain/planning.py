"""The regional groups' planning form as people fill it in: a date as "01.12.2026", times as "9:00" or "9 Uhr",
the responsible people as a list with commas; all in Berlin time. Pure: the pages turn the result into a request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from services.gateway.domain.moderation import parse_day
from shared.clock import BERLIN

KINDS = {  # the events service's kinds (shared/contracts/events.py ActionKind) in the words of the form
    "zahltag": "Zahltag-Aktion vor dem Jobcenter",
    "info": "Infoveranstaltung",
    "protestbrief": "Protestbrief-Aktion",
    "fruehstueck": "Erwerbslosenfrühstück",
    "treffen": "Treffen/Sitzung",
    "schulung": "Schulung",
    "sonstiges": "Sonstiges",
}
STATUS_WORDS = {
    "idee": "Idee",
    "geplant": "geplant",
    "bestätigt": "bestätigt",
    "durchgeführt": "durchgeführt",
    "ausgewertet": "ausgewertet",
    "abgesagt": "abgesagt",
}
ANSWER_WORDS = {"offen": "noch keine Antwort", "zugesagt": "zugesagt", "abgesagt": "abgesagt"}
FIELDS = ("art", "titel", "ort", "jobcenter", "datum", "beginn", "ende", "verantwortlich")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:\s*uhr)?$", re.IGNORECASE)


def parse_clock(text: str) -> time:
    """`9:00`, `09.30`, `9`, `9 Uhr`, `14:15 Uhr`. ValueError says why in German."""
    cleaned = text.strip()
    match = _CLOCK.match(cleaned)
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise ValueError(f"„{cleaned}“ ist keine Uhrzeit. Bitte so angeben: 9:00 oder 14:30.")
    return time(int(match[1]), int(match[2] or 0))


def clock_text(moment: datetime | None) -> str:
    return f"{moment.astimezone(BERLIN):%-H:%M}" if moment else ""


def day_text(moment: datetime | None) -> str:
    return f"{moment.astimezone(BERLIN):%d.%m.%Y}" if moment else ""


@dataclass
class PlanForm:
    """The form's values as typed (to show them again) and, once read, what they mean."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None
    responsible: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def schedule(self) -> dict:
        """The fields of the events service's ScheduleInput."""
        return {
            "kind": self.values["art"],
            "title": self.values["titel"].strip(),
            "place": self.values["ort"].strip(),
            "job_centre": self.values["jobcenter"].strip(),
            "start": self.start,
            "end": self.end,
            "responsible": self.responsible,
        }


def read_plan(values: dict[str, str]) -> PlanForm:
    """Check what can be checked here; the events service checks the rest (and says so in German)."""
    form = PlanForm({name: values.get(name, "").strip() for name in FIELDS})
    v, errors = form.values, form.errors
    if v["art"] not in KINDS:
        errors["art"] = "Bitte wählen Sie, was für eine Aktion es ist."
    if not v["titel"]:
        errors["titel"] = "Bitte geben Sie der Aktion einen Titel."
    if v["art"] == "zahltag" and not v["jobcenter"]:
        errors["jobcenter"] = "Für eine Zahltag-Aktion bitte das Jobcenter angeben, etwa „Jobcenter Plauen“."
    day = None
    try:
        day = parse_day(v["datum"])
        if day is None:
            errors["datum"] = "Bitte geben Sie das Datum an, etwa 01.12.2026."
    except ValueError as exc:
        errors["datum"] = str(exc)
    begins = ends = None
    for name, label in (("beginn", "Beginn"), ("ende", "Ende")):
        if not v[name]:
            errors[name] = f"Bitte geben Sie die Uhrzeit für „{label}“ an, etwa 9:00."
            continue
        try:
            moment = parse_clock(v[name])
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if name == "beginn":
            begins = moment
        else:
            ends = moment
    if day and begins and ends:
        form.start = datetime.combine(day, begins, tzinfo=BERLIN)
        form.end = datetime.combine(day, ends, tzinfo=BERLIN)
        if form.end <= form.start:
            errors["ende"] = "Das Ende muss nach dem Beginn liegen."
    form.responsible = [name.strip() for name in re.split(r"[,;\n]", v["verantwortlich"]) if name.strip()]
    return form


def plan_values(action: object) -> dict[str, str]:
    """An action's schedule as the form shows it (to change it)."""
    return {
        "art": action.kind,  # type: ignore[attr-defined]
        "titel": action.title,  # type: ignore[attr-defined]
        "ort": action.place,  # type: ignore[attr-defined]
        "jobcenter": action.job_centre,  # type: ignore[attr-defined]
        "datum": day_text(action.start),  # type: ignore[attr-defined]
        "beginn": clock_text(action.start),  # type: ignore[attr-defined]
        "ende": clock_text(action.end),  # type: ignore[attr-defined]
        "verantwortlich": ", ".join(action.responsible),  # type: ignore[attr-defined]
    }
