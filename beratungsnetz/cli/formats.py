"""What people read in tables and views: German dates, times (Europe/Berlin), numbers and plurals, short ids.

`--json` never passes through here: scripts get the gateway's answer as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

BERLIN = ZoneInfo("Europe/Berlin")
LOCALE = "de_DE"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SHORT = 8  # characters of an id shown in a table; every command takes them back (names.py)


def moment(value: datetime | str | None) -> str:
    """`Di., 1. Dez. 2026, 9:00 Uhr` in Berlin time; a naive moment counts as UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return format_datetime(aware, "EEE, d. MMM y, H:mm", tzinfo=BERLIN, locale=LOCALE) + " Uhr"


def day(value: date | str | None) -> str:
    """`Di., 1. Dez. 2026`."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "EEE, d. MMM y", locale=LOCALE)


def parse_day(value: str) -> str:
    """`1.12.2026` or `2026-12-01` as an ISO date; anything else is refused in German (exit code 2)."""
    import typer

    try:
        if "." in value:
            d, m, y = (int(p) for p in value.strip().split("."))
            return date(y, m, d).isoformat()
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise typer.BadParameter(f"„{value}“ ist kein Datum (TT.MM.JJJJ).") from None


def parse_moment(value: str | None) -> str | None:
    """`1.12.2026 9:00` or `2026-12-01 09:00` as a local ISO time (Europe/Berlin, as the API reads a naive time)."""
    import typer

    if not value:
        return None
    day_text, _, time_text = value.strip().replace("T", " ").partition(" ")
    try:
        hour, minute = (int(p) for p in (time_text or "0:00").split(":"))
        return datetime.fromisoformat(f"{parse_day(day_text)}T{hour:02d}:{minute:02d}").isoformat(timespec="minutes")
    except ValueError:
        raise typer.BadParameter(f"„{value}“ ist kein Zeitpunkt (TT.MM.JJJJ HH:MM).") from None


def number(value: float) -> str:
    """`1.234` or `2,5`."""
    return format_decimal(value, locale=LOCALE)


def count(n: int, one: str, many: str) -> str:
    """`1 Zeile`, `3 Zeilen`, `0 Zeilen`."""
    return f"{number(n)} {one if n == 1 else many}"


def short_id(value: str) -> str:
    return value[:SHORT] if UUID.match(value) else value


def text(value: Any, ids: bool = True) -> str:
    """Any value of an answer as a German reader sees it in a table cell or a view's line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return ", ".join(text(v, ids) for v in value)
    if isinstance(value, dict):
        shown = [(LABELS.get(k, k), v) for k, v in value.items() if v not in (None, "", [])]
        return ", ".join(f"{label}: {text(v, ids)}" for label, v in shown if label is not None)
    value = str(value)
    try:
        if ISO_MOMENT.match(value):
            return moment(value)
        if ISO_DAY.match(value):
            return day(value)
    except ValueError:
        return value
    return short_id(value) if ids else value


# The German labels of a record's fields in a `zeigen` view; None: not shown to people (the ids behind names).
LABELS: dict[str, str | None] = {
    "office_id": "Kennung",
    "action_id": "Kennung",
    "group_id": "Kennung",
    "item_id": "Kennung",
    "counsellor_id": None,
    "organiser_group_id": None,
    "district_id": "Kreisverband",
    "name": "Name",
    "title": "Titel",
    "kind": None,
    "kind_label": "Art",
    "operator_kind": "Trägerart",
    "operator_name": "Träger",
    "street": "Straße",
    "postcode": "PLZ",
    "city": "Ort",
    "access_notes": "Zugang",
    "phone": "Telefon",
    "email": "E-Mail",
    "web": "Webseite",
    "hours": "Sprechzeiten",
    "text": "Text",
    "weekday": None,
    "nth": None,
    "start": "Beginn",
    "end": "Ende",
    "areas": "Beratungsfelder",
    "languages": "Sprachen",
    "status": "Status",
    "counsellors": "Berater:innen",
    "publish_name": "Name veröffentlichen",
    "trainings": "Schulungen",
    "on": "am",
    "qualifies_for": "befähigt zu",
    "qualified_until": "befähigt bis",
    "supervision": "Anleitung (§ 6 RDG)",
    "lawyer_name": "Volljurist:in",
    "qualification_confirmed": "Befähigung bestätigt",
    "since": "seit",
    "opened_on": "eröffnet am",
    "closed_on": "geschlossen am",
    "place": "Ort",
    "job_centre": "Jobcenter",
    "organiser_group_name": "Ausrichtende Gruppe",
    "responsible": "Verantwortlich",
    "invitations": "Einladungen",
    "group_name": "Gruppe",
    "no_answer": "ohne Antwort",
    "report": "Bericht",
    "participants": "Teilnehmende",
    "notes": "Notizen",
    "press": "Presse",
    "evaluation": "Auswertung",
    "cancel_reason": "Absagegrund",
    "state": "Land",
    "coordinator": "Koordination",
    "district_ids": None,
    "merged_into": "aufgegangen in",
    "slug": "Kurzname",
    "aliases": "frühere Kurznamen",
}
