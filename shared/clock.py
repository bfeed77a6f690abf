"""The one clock every service reads time from, and the zone its people live in.

In production a clock follows the wall clock. Tests (and the processes a test starts, through the
setting `clock_start`, refused outside the test environment) start it at a chosen instant, from which
it runs on at the normal pace, so a test never passes or fails by the calendar.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class Clock:
    """`now()` is timezone-aware UTC; `today()` is the calendar day in Berlin."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start: datetime | None = None
        self._started = 0.0
        if start is not None:
            self.set(start)

    @property
    def fixed(self) -> bool:
        return self._start is not None

    def set(self, instant: datetime) -> None:
        """From now on, time runs on from `instant` (naive instants are read as Berlin time)."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=BERLIN)
        self._start, self._started = instant.astimezone(UTC), time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def now(self) -> datetime:
        if self._start is None:
            return datetime.now(UTC)
        return self._start + timedelta(seconds=time.monotonic() - self._started)

    def today(self) -> date:
        return self.now().astimezone(BERLIN).date()


def parse_instant(text: str) -> datetime:
    """`2027-03-28` (10:00 Berlin time that day) or a full ISO instant, for settings and test options."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time().replace(hour=10), BERLIN)
    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo else instant.replace(tzinfo=BERLIN)


def german_datetime(value: datetime | None) -> str:
    """`03.04.2027, 14:05` in Berlin time, as pages and mails show a moment; a naive value counts as UTC."""
    if value is None:
        return ""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M")


WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def german_date(value: date | datetime | str | None) -> str:
    """`1. November 2026`, as German text names a day (a moment: its day in Berlin; naive counts as UTC); an ISO date
    string (a text's version, say) is read first, anything else is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BERLIN).date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def german_date_long(value: date | datetime | None) -> str:
    """`Dienstag, 1. Dezember 2026` (a moment in Berlin time; a naive moment counts as UTC)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BERLIN).date()
    return f"{WEEKDAYS[value.weekday()]}, {value.day}. {MONTHS[value.month - 1]} {value.year}"


def german_when(start: datetime | None, end: datetime | None = None) -> str:
    """How pages and mails name a time: `Dienstag, 1. Dezember 2026, 9:00 Uhr`; with an end on the same day
    `Dienstag, 1. Dezember 2026, 9:00 bis 11:00 Uhr`, on another day both in full. Berlin time; naive is UTC."""
    if start is None:
        return ""

    def berlin(moment: datetime) -> datetime:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BERLIN)

    begins = berlin(start)
    first = f"{german_date_long(begins)}, {begins.hour}:{begins.minute:02d}"
    if end is None:
        return f"{first} Uhr"
    ends = berlin(end)
    if ends.date() == begins.date():
        return f"{first} bis {ends.hour}:{ends.minute:02d} Uhr"
    return f"{first} Uhr bis {german_date_long(ends)}, {ends.hour}:{ends.minute:02d} Uhr"
