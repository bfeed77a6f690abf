"""Training dates as the pages show and read them (issue 17): a date in short German ("Di., 1. Dez. 2026,
18:00–20:00 Uhr"), the seats, the participant table, euros typed as people type them, and the form of a new date.
Pure: action planning decides everything (waiting list, moving up, who is qualified); these only put it in words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from services.gateway.domain.moderation import parse_day
from services.gateway.domain.planning import parse_clock
from shared.clock import BERLIN, german_date

DAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
MONTHS = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.")
STATUS_WORDS = {"geplant": "geplant", "abgesagt": "abgesagt", "durchgefuehrt": "Teilnahme eingetragen"}
STATUS_TAGS = {"geplant": "bn-tag--green", "abgesagt": "bn-tag--red", "durchgefuehrt": "bn-tag--grey"}
PARTICIPANT_WORDS = {
    "angemeldet": "angemeldet",
    "warteliste": "Warteliste",
    "abgemeldet": "abgemeldet",
    "teilgenommen": "hat teilgenommen",
    "nicht_erschienen": "nicht teilgenommen",
}
PARTICIPANT_TAGS = {
    "angemeldet": "bn-tag--green",
    "warteliste": "bn-tag--yellow",
    "abgemeldet": "bn-tag--grey",
    "teilgenommen": "bn-tag--green",
    "nicht_erschienen": "bn-tag--grey",
}
ATTENDING = ("angemeldet", "teilgenommen", "nicht_erschienen")  # whose attendance is recorded
COSTS_WORDS = {"offen": "offen", "eingereicht": "eingereicht", "bewilligt": "bewilligt", "bezahlt": "bezahlt"}
QUALIFICATION_WORDS = {"gueltig": "gültig", "laeuft_ab": "läuft ab", "abgelaufen": "abgelaufen"}
QUALIFICATION_TAGS = {"gueltig": "bn-tag--green", "laeuft_ab": "bn-tag--yellow", "abgelaufen": "bn-tag--red"}
TRAINER_GRACE = timedelta(days=30)  # a trainer keeps their date this long after its end, to record attendance
FIELDS = (
    "art", "titel", "datum", "beginn", "ende", "form", "ort", "plaetze",
    "trainer_name", "trainer_email", "beschreibung", "kosten", "antrag_bis",
)  # fmt: skip
_EUROS = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")
_EUROS_DOT = re.compile(r"^(\d+)\.(\d{1,2})$")


def berlin(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def short_day(moment: datetime | date) -> str:
    """`Di., 1. Dez. 2026` (a moment: its day in Berlin)."""
    day = berlin(moment).date() if isinstance(moment, datetime) else moment
    return f"{DAYS[day.weekday()]}, {day.day}. {MONTHS[day.month - 1]} {day.year}"


def when(start: datetime, end: datetime | None = None) -> str:
    """`Di., 1. Dez. 2026, 18:00–20:00 Uhr`; over midnight both days in full."""
    begins = berlin(start)
    first = f"{short_day(begins)}, {begins:%H:%M}"
    if end is None:
        return f"{first} Uhr"
    ends = berlin(end)
    if ends.date() == begins.date():
        return f"{first}–{ends:%H:%M} Uhr"
    return f"{first} Uhr – {short_day(ends)}, {ends:%H:%M} Uhr"


def seats(training: Any) -> str:
    """`8 von 12 Plätzen belegt, 2 auf der Warteliste`."""
    text = f"{training.registered} von {training.capacity} {'Platz' if training.capacity == 1 else 'Plätzen'} belegt"
    if training.waiting:
        text += f", {training.waiting} auf der Warteliste"
    return text


def place(training: Any) -> str:
    if training.online:
        return f"online ({training.place})" if training.place else "online"
    return training.place or "Ort noch offen"


def euros(cents: int | None) -> str:
    """`1.200,00 €`; None is no amount (an empty string)."""
    if cents is None:
        return ""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{rest:02d} €"


def parse_euros(text: str) -> int | None:
    """`120`, `120,5`, `1.200,00 €`, `120.50` to cents; empty is no amount. ValueError says why in German."""
    cleaned = re.sub(r"\s|€|(?i:eur(o)?)", "", text)
    if not cleaned:
        return None
    if match := _EUROS_DOT.match(cleaned):  # "120.50": a decimal point, not thousands
        return int(match[1]) * 100 + int(match[2].ljust(2, "0"))
    match = _EUROS.match(cleaned)
    if not match:
        raise ValueError(f"„{text.strip()}“ ist kein Betrag. Bitte so angeben: 120,00.")
    return int(match[1].replace(".", "")) * 100 + int((match[2] or "0").ljust(2, "0"))


def participant_rows(participants: list[Any]) -> list[Any]:
    """Registered first (by registration), then the waiting list by position, then the others."""
    order = {"angemeldet": 0, "teilgenommen": 0, "nicht_erschienen": 1, "warteliste": 2, "abgemeldet": 3}

    def key(p: Any) -> tuple:
        return (order.get(p.status, 4), p.waiting_position or 0, p.registered_at, p.name.casefold())

    return sorted(participants, key=key)


def participant_status(p: Any) -> str:
    if p.status == "warteliste" and p.waiting_position:
        return f"Warteliste (Platz {p.waiting_position})"
    return PARTICIPANT_WORDS.get(p.status, p.status)


def attendance_open(training: Any, now: datetime) -> bool:
    """Attendance is recorded once the date has begun (the service says so again)."""
    return training.status != "abgesagt" and now >= training.start


def trainer_dates(trainings: list[Any], address: str, now: datetime) -> dict[str, str]:
    """The dates `address` trains that give them access: not cancelled, not ended longer than TRAINER_GRACE ago."""
    return {
        t.training_id: t.title
        for t in trainings
        if t.trainer_email.strip().lower() == address and t.status != "abgesagt" and t.end + TRAINER_GRACE >= now
    }


def counsellor_options(offices: list[Any]) -> list[tuple[str, str]]:
    """`office_id/counsellor_id` -> `Name — Beratungsstelle`, for picking an existing counsellor."""
    found = [
        (f"{o.office_id}/{c.counsellor_id}", f"{c.name} — {o.name}")
        for o in offices
        if o.status != "geschlossen"
        for c in o.counsellors
    ]
    return [("", "niemand aus dem Register")] + sorted(found, key=lambda x: x[1].casefold())


def office_tag(office: Any, findings: list[Any]) -> tuple[str, str] | None:
    """What the register's office page says about its qualification, from the registry's coverage findings."""
    kinds = {f.kind for f in findings if f.subject_id == office.office_id}
    if "ohne_gueltige_qualifikation" in kinds:
        return ("keine gültige Qualifikation", "bn-tag--red")
    if "qualifikation_laeuft_ab" in kinds and office.qualified_until:
        return (f"Qualifikation läuft am {german_date(office.qualified_until)} ab", "bn-tag--yellow")
    return None


@dataclass
class TrainingForm:
    """The form "Neuer Termin" as typed (to show it again) and, once read, what it means."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None
    capacity: int | None = None
    expected_cents: int | None = None
    application_due: date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def plan(self) -> dict:
        """The fields of action planning's PlanTraining."""
        v = self.values
        return {
            "kind": v["art"],
            "title": v["titel"],
            "start": self.start,
            "end": self.end,
            "online": v["form"] == "online",
            "place": v["ort"],
            "capacity": self.capacity,
            "trainer_name": v["trainer_name"],
            "trainer_email": v["trainer_email"],
            "description": v["beschreibung"],
            "expected_cents": self.expected_cents,
            "application_due": self.application_due,
        }


def read_training(raw: Any, kinds: dict[str, Any]) -> TrainingForm:
    """Check what can be checked here; action planning checks the rest (and says so in German)."""
    form = TrainingForm({name: str(raw.get(name, "")).strip() for name in FIELDS})
    v, errors = form.values, form.errors
    if v["art"] not in kinds:
        errors["art"] = "Bitte wählen Sie, was für eine Schulung es ist."
    day = read_day(v, "datum", errors, "Bitte geben Sie das Datum an, etwa 01.12.2026.")
    clocks = {}
    for name, label in (("beginn", "Beginn"), ("ende", "Ende")):
        try:
            clocks[name] = parse_clock(v[name]) if v[name] else None
            if clocks[name] is None:
                errors[name] = f"Bitte geben Sie die Uhrzeit für „{label}“ an, etwa 18:00."
        except ValueError as exc:
            errors[name] = str(exc)
    if day and clocks.get("beginn") and clocks.get("ende"):
        form.start = datetime.combine(day, clocks["beginn"], tzinfo=BERLIN)
        form.end = datetime.combine(day, clocks["ende"], tzinfo=BERLIN)
        if form.end <= form.start:
            errors["ende"] = "Das Ende muss nach dem Beginn liegen."
    if v["form"] not in ("online", "vor_ort"):
        errors["form"] = "Bitte wählen Sie, ob der Termin online oder vor Ort stattfindet."
    elif v["form"] == "vor_ort" and not v["ort"]:
        errors["ort"] = "Bitte geben Sie an, wo der Termin stattfindet."
    if not v["plaetze"].isdigit() or not 1 <= int(v["plaetze"]) <= 500:
        errors["plaetze"] = "Bitte geben Sie die Zahl der Plätze an (1 bis 500)."
    else:
        form.capacity = int(v["plaetze"])
    try:
        form.expected_cents = parse_euros(v["kosten"])
    except ValueError as exc:
        errors["kosten"] = str(exc)
    form.application_due = read_day(v, "antrag_bis", errors)
    return form


def read_day(values: dict[str, str], name: str, errors: dict[str, str], missing: str = "") -> date | None:
    try:
        found = parse_day(values[name])
    except ValueError as exc:
        errors[name] = str(exc)
        return None
    if found is None and missing:
        errors[name] = missing
    return found


def field_of(contract_field: str) -> str:
    """Action planning's field name (PlanTraining) -> the form's."""
    names = {
        "kind": "art", "title": "titel", "start": "datum", "end": "ende", "online": "form", "place": "ort",
        "capacity": "plaetze", "trainer_name": "trainer_name", "trainer_email": "trainer_email",
        "description": "beschreibung", "expected_cents": "kosten", "application_due": "antrag_bis",
    }  # fmt: skip
    name = contract_field.split(".")[0]
    return name if name in FIELDS else {"start": "datum"}.get(name) or names.get(name, "titel")
