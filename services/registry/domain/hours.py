"""Consultation hours as recurring schedules in Europe/Berlin, read from German text.

"dienstags 14–17 Uhr", "jeden 1. Montag im Monat 16–18 Uhr", "nach Vereinbarung".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from services.registry.domain.errors import InvalidInput

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
ORDINALS = {"1": 1, "erste": 1, "2": 2, "zweite": 2, "3": 3, "dritte": 3, "4": 4, "vierte": 4, "letzte": -1}
EARLIEST, LATEST = time(6, 0), time(22, 0)

_DAY = "(" + "|".join(d.lower() for d in WEEKDAYS) + ")"
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = rf"{_TIME}\s*(?:uhr)?\s*(?:-|–|—|bis)\s*{_TIME}\s*(?:uhr)?"
_WEEKLY = re.compile(rf"^(?:jeden\s+)?{_DAY}s?,?\s+(?:von\s+)?{_RANGE}$")
_MONTHLY = re.compile(
    rf"^jede[nrs]?\s+(1|2|3|4|erste|zweite|dritte|vierte|letzte)[nr]?\.?\s+{_DAY}\s+(?:im|des|eines)\s+monats?,?\s+"
    rf"(?:von\s+)?{_RANGE}$"
)
_APPOINTMENT = re.compile(r"^(?:termine\s+)?nach\s+(?:telefonischer\s+|vorheriger\s+)?(?:vereinbarung|absprache)$")
EXAMPLES = "„dienstags 14–17 Uhr“, „jeden 1. Montag im Monat 16–18 Uhr“ oder „nach Vereinbarung“"


@dataclass(frozen=True)
class Weekly:
    weekday: int
    start: time
    end: time

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday].lower()}s {_span(self.start, self.end)}"


@dataclass(frozen=True)
class MonthlyNth:
    nth: int  # 1..4, or -1 for the last
    weekday: int
    start: time
    end: time

    def describe(self) -> str:
        which = "letzten" if self.nth == -1 else f"{self.nth}."
        return f"jeden {which} {WEEKDAYS[self.weekday]} im Monat {_span(self.start, self.end)}"


@dataclass(frozen=True)
class ByAppointment:
    def describe(self) -> str:
        return "nach Vereinbarung"


Hours = Weekly | MonthlyNth | ByAppointment


def _span(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M} Uhr"


def _clock(hour: str, minute: str | None, text: str) -> time:
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise InvalidInput(f"Uhrzeit in „{text}“ gibt es nicht.", fields={"Sprechzeiten": text})
    return time(h, m)


def _times(groups: tuple[str | None, ...], text: str) -> tuple[time, time]:
    start, end = _clock(groups[0], groups[1], text), _clock(groups[2], groups[3], text)
    if not start < end:
        raise InvalidInput(f"In „{text}“ endet die Sprechzeit nicht nach ihrem Beginn.", fields={"Sprechzeiten": text})
    if start < EARLIEST or end > LATEST:
        raise InvalidInput(f"„{text}“ liegt außerhalb von 6–22 Uhr.", fields={"Sprechzeiten": text})
    return start, end


def parse_hours(text: str) -> Hours:
    normal = re.sub(r"\s+", " ", (text or "").strip().lower()).rstrip(".")
    if _APPOINTMENT.match(normal):
        return ByAppointment()
    if m := _WEEKLY.match(normal):
        start, end = _times(m.groups()[1:], text)
        return Weekly(WEEKDAYS.index(m.group(1).title()), start, end)
    if m := _MONTHLY.match(normal):
        start, end = _times(m.groups()[2:], text)
        return MonthlyNth(ORDINALS[m.group(1)], WEEKDAYS.index(m.group(2).title()), start, end)
    raise InvalidInput(
        f"Sprechzeit „{text}“ nicht verstanden; möglich sind z. B. {EXAMPLES}.", fields={"Sprechzeiten": text}
    )
