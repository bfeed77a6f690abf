"""The "T:" of a work plan as a structured value — or, when nothing fits, the text kept and flagged.

Never guessed: "II. Quartal 2017", "Frühjahr 2026", "Ende März", "KW 20" are periods, "bis zum 15. Juni" a
date, "monatlich", "alle zwei Wochen", "jeden ersten Montag im Monat" recurrences, "stetig" and "ab März"
ongoing, "zeitnah" soft; "irgendwann nach der Wahl" stays verbatim as unparsed. A missing year is the
`default_year` the caller passes (the document's year, or the year of the caller's clock); nothing here
reads the wall clock. Working days (Werktage) are Monday to Friday; public holidays are not known here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = (
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ORDINAL_WORDS = {
    "erste": 1,
    "ersten": 1,
    "erster": 1,
    "zweite": 2,
    "zweiten": 2,
    "zweiter": 2,
    "dritte": 3,
    "dritten": 3,
    "dritter": 3,
    "vierte": 4,
    "vierten": 4,
    "vierter": 4,
    "fünfte": 5,
    "fünften": 5,
    "fünfter": 5,
    "letzte": -1,
    "letzten": -1,
    "letzter": -1,
}
WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
COUNTS = {"zwei": 2, "drei": 3, "vier": 4, "sechs": 6}
SEASONS = {"frühjahr": 3, "frühling": 3, "sommer": 6, "herbst": 9, "winter": 12}  # first month of three
PARTS = {"anfang": (1, 10), "mitte": (11, 20), "ende": (21, 31)}  # days of a month
TIMES = {"einmal": 1, "zweimal": 2, "dreimal": 3, "viermal": 4, "fünfmal": 5, "sechsmal": 6}
UNITS = {"woche": "woche", "monat": "monat", "quartal": "quartal", "halbjahr": "halbjahr", "jahr": "jahr"}
ADVERBS = {
    "wöchentlich": "woche",
    "monatlich": "monat",
    "vierteljährlich": "quartal",
    "quartalsweise": "quartal",
    "halbjährlich": "halbjahr",
    "jährlich": "jahr",
}
ONGOING = ("stetig", "laufend", "fortlaufend", "ständig", "kontinuierlich", "dauerhaft", "regelmäßig", "fortwährend")
SOFT = ("zeitnah", "demnächst", "bald", "baldmöglichst", "sofort", "umgehend", "kurzfristig", "schnellstmöglich")


@dataclass(frozen=True)
class OnDate:
    day: date

    def describe(self) -> str:
        return f"am {self.day:%d.%m.%Y}"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # "II. Quartal 2017", "Oktober 2017"

    def describe(self) -> str:
        return self.label


@dataclass(frozen=True)
class Periods:
    periods: tuple[Period, ...]

    def describe(self) -> str:
        return " und ".join(p.label for p in self.periods)


@dataclass(frozen=True)
class Recurring:
    unit: str  # woche | monat | quartal | halbjahr | jahr
    times: int = 1
    at_least: bool = False
    in_total: bool = False
    every: int = 1  # "alle zwei Wochen": periods of two weeks
    ordinal: int | None = None  # "jeden ersten Montag im Monat": 1; the last one: -1
    weekday: int | None = None  # 0 = Monday; None with an ordinal: a working day (Monday to Friday)

    def describe(self) -> str:
        if self.ordinal is not None:
            nth = "letzten" if self.ordinal == -1 else f"{self.ordinal}."
            return (
                f"jeden {nth} {WEEKDAYS[self.weekday].capitalize()} im Monat"
                if self.weekday is not None
                else f"am {nth} Werktag des Monats"
            )
        if self.every > 1:
            return f"alle {self.every} {'Wochen' if self.unit == 'woche' else 'Monate'}"
        word = {1: "einmal", 2: "zweimal", 3: "dreimal", 4: "viermal"}.get(self.times, f"{self.times}-mal")
        prefix = "mindestens " if self.at_least else "insgesamt " if self.in_total else ""
        return f"{prefix}{word} pro {self.unit.capitalize()}"


@dataclass(frozen=True)
class Ongoing:
    word: str = "stetig"
    since: date | None = None  # "ab März 2026"

    def describe(self) -> str:
        return self.word


@dataclass(frozen=True)
class Soft:
    word: str

    def describe(self) -> str:
        return self.word


@dataclass(frozen=True)
class Unparsed:
    text: str

    def describe(self) -> str:
        return self.text


Timing = OnDate | Period | Periods | Recurring | Ongoing | Soft | Unparsed


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{MONTHS[month - 1].capitalize()} {year}")


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = month_period(year, 3 * quarter).end
    return Period(start, end, f"{'I' * quarter if quarter < 4 else 'IV'}. Quartal {year}")


def half_period(year: int, half: int) -> Period:
    return Period(date(year, 6 * half - 5, 1), month_period(year, 6 * half).end, f"{'I' * half}. Halbjahr {year}")


def _year(text: str, default: int) -> int:
    found = re.search(r"\b(19|20)(\d{2})\b", text)
    return int(found.group(0)) if found else default


def _number(token: str) -> int | None:
    token = token.strip(". ").lower()
    if token.isdigit():
        return int(token)
    return ROMAN.get(token) or ORDINAL_WORDS.get(token)


def _count(token: str) -> int | None:
    return int(token) if token.isdigit() else COUNTS.get(token)


def _anchored(t: str) -> Recurring | None:
    """ "jeden ersten Montag im Monat", "am dritten Werktag des Monats", "jeden letzten Freitag"."""
    m = re.fullmatch(
        r"(?:jeden|jede[rs]?|am|an jedem)\s+(\d\.|\w+)\s+(werktag|" + "|".join(WEEKDAYS) + r")"
        r"(?:\s+(?:im|des|eines|jeden|pro)\s+monats?)?",
        t,
    )
    if not m:
        return None
    ordinal = _number(m.group(1)) if m.group(1) not in ("letzten", "letzte", "letzter") else -1
    limit = 20 if m.group(2) == "werktag" else 5  # every month has 20 working days
    if ordinal is None or not (ordinal == -1 or 1 <= ordinal <= limit):
        return None
    return Recurring("monat", ordinal=ordinal, weekday=None if m.group(2) == "werktag" else WEEKDAYS.index(m.group(2)))


def _recurring(t: str) -> Recurring | None:
    if found := _anchored(t):
        return found
    if m := re.fullmatch(r"alle\s+(\d+|zwei|drei|vier|sechs)\s+(wochen|monate)", t):
        every = _count(m.group(1))
        return (
            Recurring("woche" if m.group(2) == "wochen" else "monat", every=every)
            if every and 1 < every <= 12
            else None
        )
    if t in ("vierzehntägig", "14-tägig", "14tägig", "zweiwöchentlich", "zweiwöchig"):
        return Recurring("woche", every=2)
    at_least, in_total = t.startswith("mindestens "), t.startswith("insgesamt ")
    core = re.sub(r"^(mindestens|insgesamt)\s+", "", t)
    if core in ADVERBS:
        return Recurring(ADVERBS[core], 1, at_least, in_total)
    m = re.fullmatch(
        r"(einmal|zweimal|dreimal|viermal|fünfmal|sechsmal|(\d+)\s*-?\s*mal)\s+(?:pro|im|je|in der|in einem|jede[ns]?|jeden)\s+"
        r"(woche|monat|quartal|halbjahr|jahr)",
        core,
    )
    if m:
        times = int(m.group(2)) if m.group(2) else TIMES[m.group(1)]
        return Recurring(UNITS[m.group(3)], times, at_least, in_total) if times > 0 else None
    m = re.fullmatch(
        r"(einmal|zweimal|dreimal|viermal)\s+(wöchentlich|monatlich|vierteljährlich|halbjährlich|jährlich)", core
    )
    if m:
        return Recurring(ADVERBS[m.group(2)], TIMES[m.group(1)], at_least, in_total)
    return None


def season_period(year: int, season: str) -> Period:
    first = SEASONS[season]
    last = month_period(year + (first == 12), (first + 2 - 1) % 12 + 1)
    return Period(
        date(year, first, 1), last.end, f"{'Frühjahr' if season == 'frühling' else season.capitalize()} {year}"
    )


def part_of_month(year: int, month: int, part: str) -> Period:
    first, last = PARTS[part]
    whole = month_period(year, month)
    return Period(
        date(year, month, first),
        min(whole.end, date(year, month, min(last, whole.end.day))),
        f"{part.capitalize()} {MONTHS[month - 1].capitalize()} {year}",
    )


def iso_week(year: int, week: int) -> Period | None:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:  # no such week in that year (a 53rd week exists only in some years)
        return None
    return Period(monday, monday + timedelta(days=6), f"KW {week} {year}")


def _more_periods(t: str, plain: str, year: int) -> Timing | None:
    if m := re.fullmatch(r"(?:im\s+|in\s+der\s+)?(?:kw|kalenderwoche)\s*(\d{1,2})(?:\s*/\s*)?", plain):
        return iso_week(year, int(m.group(1)))
    if m := re.fullmatch(r"(?:im\s+|in\s+der\s+)?(\d{1,2})\.\s*(?:kw|kalenderwoche)", plain):
        return iso_week(year, int(m.group(1)))
    if m := re.fullmatch(r"(?:im\s+|bis\s+(?:zum\s+)?)?(" + "|".join(SEASONS) + r")", plain):
        return season_period(year, m.group(1))
    if m := re.fullmatch(r"(anfang|mitte|ende)\s+(" + "|".join(MONTHS) + r")", plain):
        return part_of_month(year, MONTHS.index(m.group(2)) + 1, m.group(1))
    if m := re.fullmatch(r"ab\s+(?:(?:anfang|mitte)\s+)?(" + "|".join(MONTHS) + r")", plain):
        month = MONTHS.index(m.group(1)) + 1
        return Ongoing(f"ab {MONTHS[month - 1].capitalize()} {year}", date(year, month, 1))
    if m := re.fullmatch(r"ab\s+(?:dem\s+)?(.+)", t):
        found = _on_date(m.group(1), year)
        return Ongoing(f"ab {found.day:%d.%m.%Y}", found.day) if found else None
    return None


def _periods(t: str, default_year: int) -> Timing | None:
    year = _year(t, default_year)
    plain = re.sub(r"\s*/?\s*\b(19|20)\d{2}\b", "", t).strip()
    if found := _more_periods(t, plain, year):
        return found
    m = re.fullmatch(
        r"((?:[ivx\d]+|erste[n]?|zweite[n]?|dritte[n]?|vierte[n]?)\.?(?:\s*(?:,|/|und|u\.)\s*(?:[ivx\d]+|erste[n]?|"
        r"zweite[n]?|dritte[n]?|vierte[n]?)\.?)*)\s+(quartal|halbjahr)",
        plain,
    )
    if m:
        numbers = [_number(n) for n in re.split(r"\s*(?:,|/|und|u\.)\s*", m.group(1))]
        limit = 4 if m.group(2) == "quartal" else 2
        if not numbers or any(n is None or not 1 <= n <= limit for n in numbers):
            return None
        make = quarter_period if m.group(2) == "quartal" else half_period
        periods = tuple(make(year, n) for n in dict.fromkeys(numbers))
        return periods[0] if len(periods) == 1 else Periods(periods)
    m = re.fullmatch(r"(im\s+|bis\s+(?:ende\s+)?)?(" + "|".join(MONTHS) + r")", plain)
    if m:
        month = month_period(year, MONTHS.index(m.group(2)) + 1)
        return (
            Period(month.start, month.end, f"bis Ende {month.label}") if (m.group(1) or "").startswith("bis") else month
        )
    if re.fullmatch(r"(?:im\s+|bis\s+ende\s+)?(?:jahr\s+)?", plain) and re.search(r"\b(19|20)\d{2}\b", t):
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    return None


def _on_date(t: str, default_year: int) -> OnDate | None:
    m = re.fullmatch(r"(?:am\s+|bis\s+(?:zum\s+)?)?(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})?", t)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else default_year
        year = year + 2000 if year < 100 else year
    else:
        m = re.fullmatch(r"(?:am\s+|bis\s+(?:zum\s+)?)?(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s*(\d{4})?", t)
        if not m:
            return None
        day, month = int(m.group(1)), MONTHS.index(m.group(2)) + 1
        year = int(m.group(3)) if m.group(3) else default_year
    try:
        return OnDate(date(year, month, day))
    except ValueError:
        return None


def parse_timing(text: str, default_year: int) -> Timing:
    """Classify a "T:" text; anything not recognised is kept verbatim as `Unparsed`. Never raises."""
    t = re.sub(r"\s+", " ", (text or "").strip().lower()).strip(" .;:")
    if not t:
        return Unparsed((text or "").strip())
    if t in ONGOING:
        return Ongoing(t)
    if t in SOFT:
        return Soft(t)
    for parse in (_recurring, lambda x: _periods(x, default_year), lambda x: _on_date(x, default_year)):
        if (found := parse(t)) is not None:
            return found
    return Unparsed(text.strip())


# --- due and overdue ---------------------------------------------------------------------


EPOCH_MONDAY = date(1970, 1, 5)  # periods of several weeks count from here, the same for everyone


def unit_period(unit: str, day: date, every: int = 1) -> tuple[date, date]:
    """The calendar period of `unit` (or of `every` units) that contains `day`."""
    if unit == "woche" and every > 1:
        start = EPOCH_MONDAY + timedelta(weeks=every * ((day - EPOCH_MONDAY).days // (7 * every)))
        return start, start + timedelta(weeks=every, days=-1)
    if unit == "monat" and every > 1:
        index = (day.year * 12 + day.month - 1) // every * every
        last = index + every - 1
        return date(index // 12, index % 12 + 1, 1), month_period(last // 12, last % 12 + 1).end
    if unit == "woche":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if unit == "monat":
        p = month_period(day.year, day.month)
    elif unit == "quartal":
        p = quarter_period(day.year, (day.month - 1) // 3 + 1)
    elif unit == "halbjahr":
        p = half_period(day.year, 1 if day.month <= 6 else 2)
    else:
        p = Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))
    return p.start, p.end


def due_on(timing: Timing | None, today: date) -> date | None:
    """When this is next due: a date, a period's end, the end of the current recurrence period."""
    if isinstance(timing, OnDate):
        return timing.day
    if isinstance(timing, Period):
        return timing.end
    if isinstance(timing, Periods):
        ends = [p.end for p in timing.periods]
        return next((e for e in ends if e >= today), ends[-1])
    if isinstance(timing, Recurring) and timing.ordinal is not None:
        this = anchored_day(timing, today.year, today.month)
        if this >= today:
            return this
        following = month_period(today.year, today.month).end + timedelta(days=1)
        return anchored_day(timing, following.year, following.month)
    if isinstance(timing, Recurring):
        return unit_period(timing.unit, today, timing.every)[1]
    return None


def anchored_day(timing: Recurring, year: int, month: int) -> date:
    """The first Monday, the third working day, the last Friday … of a month."""
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    fitting = [d for d in days if (d.weekday() == timing.weekday if timing.weekday is not None else d.weekday() < 5)]
    ordinal = timing.ordinal or 1
    return (
        fitting[-1] if ordinal == -1 or ordinal > len(fitting) else fitting[ordinal - 1]
    )  # ongoing, soft, unparsed or none: no date to hold anyone to


# --- the T in plain German, as a person checks it ("II. Quartal 2017 → 1. April bis 30. Juni 2017") ----------

WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
EVERY_UNIT = {
    "woche": "jede Woche",
    "monat": "jeden Monat",
    "quartal": "jedes Quartal",
    "halbjahr": "jedes Halbjahr",
    "jahr": "jedes Jahr",
}
IN_UNIT = {"woche": "in der Woche", "monat": "im Monat", "quartal": "im Quartal", "halbjahr": "im Halbjahr"}


def german_day(day: date, weekday: bool = False) -> str:
    """`1. April 2017`; with `weekday`: `Samstag, 1. April 2017`."""
    text = f"{day.day}. {MONTHS[day.month - 1].capitalize()} {day.year}"
    return f"{WEEKDAY_NAMES[day.weekday()]}, {text}" if weekday else text


def german_span(start: date, end: date) -> str:
    """`1. April bis 30. Juni 2017`; the year is written once when both days share it."""
    if start == end:
        return f"am {german_day(start)}"
    first = f"{start.day}. {MONTHS[start.month - 1].capitalize()}" if start.year == end.year else german_day(start)
    return f"{first} bis {german_day(end)}"


def _how_often(timing: Recurring) -> str:
    if timing.ordinal is not None:
        return timing.describe()
    if timing.every > 1:
        return f"alle {timing.every} {'Wochen' if timing.unit == 'woche' else 'Monate'}"
    if timing.times == 1 and not (timing.at_least or timing.in_total):
        return EVERY_UNIT[timing.unit]
    word = {1: "einmal", 2: "zweimal", 3: "dreimal", 4: "viermal"}.get(timing.times, f"{timing.times}-mal")
    prefix = "mindestens " if timing.at_least else "insgesamt " if timing.in_total else ""
    return f"{prefix}{word} {IN_UNIT.get(timing.unit, 'im Jahr')}"


def reading(timing: Timing | None, today: date) -> str:
    """How the T was understood, in words a person checks against what they wrote. Never raises.

    A period is spelled out as its first and last day, a recurrence says how often and when it is next due
    (for "monatlich": the end of the current month), an open-ended T says there is no date to hold anyone to,
    an unrecognised T says so."""
    match timing:
        case None:
            return "ohne Termin"
        case OnDate(day=day):
            return f"am {german_day(day, weekday=True)}"
        case Period(start=start, end=end, label=label) if label.startswith("bis "):
            return f"bis {german_day(end)}"
        case Period(start=start, end=end):
            return german_span(start, end)
        case Periods(periods=periods):
            return " und ".join(german_span(p.start, p.end) for p in periods)
        case Recurring():
            due = due_on(timing, today)
            anchored = timing.ordinal is not None
            return f"{_how_often(timing)}, nächster Termin {'am ' if anchored else 'bis '}{german_day(due, anchored)}"
        case Ongoing(since=since) if since is not None:
            return f"laufend ab {german_day(since)}, ohne Enddatum"
        case Ongoing():
            return "laufend, ohne festen Termin"
        case Soft(word=word):
            return f"möglichst bald („{word}“), ohne festen Termin"
    return "nicht erkannt – bitte prüfen; der Text bleibt unverändert stehen"
